"""The dashboards read the published snapshot of the session's demo chain (``demo_warehouse``),
and, for the empty states, copies of it emptied or cut down to one day."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from erp_core.paths import PROJECT_ROOT
from erp_core.settings import get_settings
from tests.dashboards.ml_tables import add_ml_tables

APP = str(PROJECT_ROOT / "dashboards" / "app.py")
PAGES = (
    "views/resumen.py",
    "views/drilldown.py",
    "views/rentabilidad.py",
    "views/pronostico.py",
    "views/reposicion.py",
    "views/salud_stock.py",
    "views/segmentos.py",
    "views/recomendaciones.py",
    "views/audiencias.py",
    "views/calidad.py",
)
DAY_COLUMNS = ("transaction_date", "date_day", "movement_date", "month_start_date")


def snapshot_file(home: Path) -> Path:
    """Where the dashboards look for the snapshot when ``INNOVALOGIX_HOME`` is ``home``."""
    return dataclasses.replace(get_settings(), home=home).snapshot_path


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str]]]:
    rows = con.execute(
        "select c.schema_name, c.table_name, list(c.column_name) from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.schema_name <> 'main' group by all order by all"
    ).fetchall()
    return [(schema, table, list(cols)) for schema, table, cols in rows]


def derived_home(source: Path, home: Path, *, keep_last_day: bool) -> Path:
    """A copy of the demo snapshot with every fact emptied, or cut to its last day."""
    home.mkdir(parents=True, exist_ok=True)
    target = snapshot_file(home)
    shutil.copyfile(source, target)
    with duckdb.connect(str(target)) as con:
        last = con.execute("select max(transaction_date) from marts.fct_sales_lines").fetchone()[0]
        for schema, table, cols in _tables(con):
            if table == "dim_date":
                continue
            name = f'{schema}."{table}"'
            day = next((c for c in DAY_COLUMNS if c in cols), None)
            if not keep_last_day:
                con.execute(f"delete from {name}")
            elif day == "month_start_date":
                con.execute(
                    f"delete from {name} where {day} < date_trunc('month', ?::date)", [last]
                )
            elif day is not None:
                con.execute(f"delete from {name} where {day} <> ?", [last])
        con.execute("checkpoint")
    return home


@pytest.fixture(scope="session")
def demo_home(demo_warehouse) -> Path:
    return demo_warehouse.home


@pytest.fixture(scope="session")
def empty_home(demo_warehouse, tmp_path_factory) -> Path:
    return derived_home(
        demo_warehouse.snapshot_path, tmp_path_factory.mktemp("empty_home"), keep_last_day=False
    )


@pytest.fixture(scope="session")
def one_day_home(demo_warehouse, tmp_path_factory) -> Path:
    return derived_home(
        demo_warehouse.snapshot_path, tmp_path_factory.mktemp("one_day_home"), keep_last_day=True
    )


@pytest.fixture(scope="session")
def ml_home(demo_warehouse, tmp_path_factory) -> Path:
    """The demo snapshot with every ``ml.*`` table of the contract (tests/dashboards/ml_tables),
    and the demo's keys, so the core can decrypt for an audience export."""
    home = tmp_path_factory.mktemp("ml_home")
    target = snapshot_file(home)
    shutil.copyfile(demo_warehouse.snapshot_path, target)
    # The demo chain's PII was encrypted with the keys of the home it was generated under.
    keys = demo_warehouse.home / "keys"
    if not keys.exists():
        keys = get_settings().keys_dir
    if keys.exists():
        shutil.copytree(keys, home / "keys")
    with duckdb.connect(str(target)) as con:
        add_ml_tables(con)
        con.execute("checkpoint")
    return home


@pytest.fixture
def use_home(monkeypatch, demo_warehouse):
    """Point the dashboards (settings read on demand) at a home holding a snapshot, and at the
    demo chain's core (the Dagster instance keeps its storage there: no embedded server is
    started under a throw-away home)."""

    def use(home: Path) -> None:
        monkeypatch.setenv("INNOVALOGIX_HOME", str(home))
        monkeypatch.setenv("DATABASE_URL", demo_warehouse.core_url)

    return use


@pytest.fixture
def open_page(use_home, demo_home):
    """Run the app on one page of the demo chain; query parameters as a link would carry."""

    def open_(page: str, params: dict | None = None, home: Path | None = None) -> AppTest:
        use_home(home or demo_home)
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in (params or {}).items():
            app.query_params[key] = value
        app.run()
        if page != PAGES[0]:
            app.switch_page(page)
            app.run()
        return app

    return open_


def snapshot(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(snapshot_file(home)), read_only=True)
