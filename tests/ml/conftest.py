"""Fixtures the demo-chain tests of the models share."""

from __future__ import annotations

import pytest

from pipelines.snapshot import open_snapshot


@pytest.fixture(scope="module")
def snapshot(demo_warehouse):
    """The demo chain's published snapshot, read-only, one connection per test module."""
    with open_snapshot(demo_warehouse.snapshot_path) as con:
        yield con
