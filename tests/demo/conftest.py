"""Demo chains generated once per session into fresh databases on the tests' real Postgres."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest

from erp_core import db
from erp_core.demo.generate import Summary, generate
from erp_core.demo.scales import SCALES, Scale
from tests.conftest import clone_database

SEED = 20251231
SMALL_END = dt.date(2025, 12, 31)  # September to December: Cyber Wow, Black Friday, Navidad
MAY_END = dt.date(2025, 5, 31)  # March to May: end of campaña escolar, Día de la Madre
TINY = Scale(
    "tiny", stores=2, skus=90, days=21, sale_lines=6_000, suppliers=9, complementary_pairs=4
)


@dataclass(frozen=True)
class DemoRun:
    url: str
    summary: Summary
    truth: dict


def generate_into(url: str, scale: Scale, end: dt.date, truth_path: Path, seed=SEED) -> DemoRun:
    with psycopg.connect(url) as conn:
        summary = generate(conn, scale, seed, end, truth_path=truth_path)
    return DemoRun(url, summary, json.loads(truth_path.read_text()))


@pytest.fixture(scope="session")
def small_run(pg_server, template_db, tmp_path_factory):
    """The small scale as the CLI makes it, ending 2025-12-31."""
    url = clone_database(pg_server, template_db)
    truth = tmp_path_factory.mktemp("small") / "planted_truth.json"
    yield generate_into(url, SCALES["small"], SMALL_END, truth)
    db.drop_database(pg_server, url)


@pytest.fixture(scope="session")
def may_run(pg_server, template_db, tmp_path_factory):
    """A shorter small chain covering April and May 2025."""
    url = clone_database(pg_server, template_db)
    truth = tmp_path_factory.mktemp("may") / "planted_truth.json"
    scale = replace(SCALES["small"], days=75, sale_lines=45_000)
    yield generate_into(url, scale, MAY_END, truth)
    db.drop_database(pg_server, url)


@pytest.fixture
def small(small_run):
    with psycopg.connect(small_run.url) as conn:
        yield conn


@pytest.fixture
def fresh_db(pg_server, template_db):
    """Another fresh migrated database (the ``db_url`` fixture gives one per test)."""
    urls = []

    def make() -> str:
        urls.append(clone_database(pg_server, template_db))
        return urls[-1]

    yield make
    for url in urls:
        db.drop_database(pg_server, url)
