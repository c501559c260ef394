"""Pipeline fixtures: a fresh core database with a small chain, and a private home (warehouse,
snapshot, Dagster instance) per test, all found through the settings as in production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines import dagster_storage
from tests.pipelines.dataset import Chain, build_chain, recent_days


@pytest.fixture
def pipeline_env(db_url, tmp_path, monkeypatch) -> Iterator[Path]:
    """Settings pointing at this test's database and a private ``INNOVALOGIX_HOME``; Dagster's
    storage, as in production, on Postgres: a database of this test's own
    (``<database>_dagster``), dropped afterwards."""
    home = tmp_path / "home"
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("INNOVALOGIX_HOME", str(home))
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    monkeypatch.delenv(dagster_storage.PG_URL_ENV, raising=False)
    monkeypatch.setenv("DBT_TARGET", "duckdb")
    yield home
    dagster_storage.drop_default_database()


@pytest.fixture
def days() -> list:
    return recent_days(5)


@pytest.fixture
def chain(conn, days) -> Chain:
    return build_chain(conn, days)
