"""Fixtures: every test gets a fresh, migrated database on a real Postgres.

The schema is migrated once per session into a template database; each test clones it
(``CREATE DATABASE ... TEMPLATE``), which is fast enough to give every test its own database.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from erp_core.paths import PROJECT_ROOT

os.environ.setdefault("INNOVALOGIX_HOME", str(PROJECT_ROOT / "var" / "test"))
os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / "var" / "numba-cache"))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")

from erp_core import db, migrate
from erp_core.settings import get_settings


def pytest_configure(config):
    """Start the embedded test server once, in the controller, before xdist starts workers.

    Durability is switched off on this throwaway server only: tests create and drop hundreds
    of databases, and each drop otherwise waits for a checkpoint's fsyncs.
    """
    if hasattr(config, "workerinput"):
        return
    server = db.server_url()
    if not get_settings().test_database_url:
        with psycopg.connect(server, autocommit=True) as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(f"alter system set {setting} = off")
            conn.execute("select pg_reload_conf()")


@pytest.fixture(scope="session")
def pg_server() -> str:
    return db.server_url()


@pytest.fixture(scope="session")
def template_db(pg_server, tmp_path_factory) -> str:
    url = db.create_database(pg_server, prefix="innovalogix_tmpl")
    migrate.upgrade(url)
    yield url
    db.drop_database(pg_server, url)


def clone_database(pg_server: str, template_url: str) -> str:
    template = psycopg.conninfo.conninfo_to_dict(template_url)["dbname"]
    name = f"innovalogix_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return db.with_database(pg_server, name)


@pytest.fixture
def db_url(pg_server, template_db) -> str:
    """A fresh migrated database for one test."""
    url = clone_database(pg_server, template_db)
    yield url
    db.drop_database(pg_server, url)


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as connection:
        yield connection


def _shared_tmp_dir(tmp_path_factory, worker_id: str):
    """A folder all xdist workers of this session share (the session's base temp folder)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def demo_warehouse(pg_server, template_db, tmp_path_factory, worker_id):
    """A small demo chain run through the real pipeline once per session (tests/demo_warehouse)."""
    from tests.demo_warehouse import shared_demo_warehouse

    return shared_demo_warehouse(
        pg_server, template_db, _shared_tmp_dir(tmp_path_factory, worker_id)
    )


def pytest_sessionfinish(session):
    """Drop the shared demo chain's database once every worker is done (controller only)."""
    if hasattr(session.config, "workerinput"):
        return
    import json

    marker = session.config._tmp_path_factory.getbasetemp() / "demo_warehouse.json"
    if marker.exists():
        db.drop_database(db.server_url(), json.loads(marker.read_text())["core_url"])
