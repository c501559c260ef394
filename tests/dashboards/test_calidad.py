"""Calidad de datos: freshness from the snapshot, runs and failed checks from the Dagster
instance the pipeline records into, with links into the Dagster UI."""

from __future__ import annotations

import datetime as dt
import shutil

import dagster as dg
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, snapshot, snapshot_file


@dg.asset(key=["marts", "probe"])
def probe() -> int:
    return 1


@dg.asset_check(asset=probe, name="check_probe_is_two")
def check_probe_is_two() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description="la sonda vale 1, se esperaba 2")


def calidad_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    app.switch_page("views/calidad.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_runs_failed_checks_and_freshness_are_shown(demo_warehouse, use_home, tmp_path):
    # The same process served another home first, with no runs: its answer is not this home's.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(demo_warehouse.snapshot_path, snapshot_file(other))
    use_home(other)
    assert "No hay ejecuciones" in " ".join(i.value for i in calidad_page().info)

    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(demo_warehouse.snapshot_path, snapshot_file(home))
    use_home(home)
    from pipelines.runner import local_instance

    with local_instance() as instance:
        result = dg.materialize([probe, check_probe_is_two], instance=instance)
    assert result.success

    app = calidad_page()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Última ejecución"] == "Correcta"
    assert shown["Controles fallidos"] == "1"

    freshness, runs, failures = (d.value for d in app.dataframe)
    with snapshot(home) as con:
        published = con.execute("select count(*) from main.snapshot_info").fetchone()[0]
    assert len(freshness) == published
    assert shown["Tablas publicadas"] == str(published)
    assert runs.iloc[0]["run_id"] == result.run_id
    assert runs.iloc[0]["link"] == f"http://localhost:3000/runs/{result.run_id}"
    row = failures.iloc[0]
    assert (row["asset"], row["check_name"]) == ("marts/probe", "check_probe_is_two")
    assert row["link"].startswith("http://localhost:3000/assets/marts/probe")


def test_each_tables_latest_day_is_its_max(demo_warehouse, use_home):
    """Looked for in the chain's last month first, found as a plain ``max`` would find it; a
    table with no day in that month is read whole."""
    from dashboards.queries import quality

    use_home(demo_warehouse.home)
    fresh = quality.freshness().set_index("table_name")["latest_day"]
    with snapshot(demo_warehouse.home) as con:
        for name, day in fresh.items():
            schema, table = name.split(".", 1)
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? "
                "and table_name = ?", [schema, table]
            ).fetchall()]  # fmt: skip
            column = next((c for c in quality.DAY_COLUMNS if c in columns), None)
            if column is None or name == "marts.dim_date":
                assert day is None, name
                continue
            expected = con.execute(f'select max("{column}")::date from {schema}."{table}"')
            expected = expected.fetchone()[0]
            if column == "month_start_date" and expected is not None:
                expected = (pd.Timestamp(expected) + pd.offsets.MonthEnd(0)).date()
            assert day == expected, name
        last_sale = con.execute("select max(date_day) from marts.fct_daily_sales").fetchone()[0]
    # A table with nothing in the last month is read whole.
    after = last_sale + dt.timedelta(days=1)
    sql = 'select max("date_day")::date as latest from marts."fct_daily_sales"'
    assert pd.Timestamp(quality._latest(sql, "date_day", after)).date() == last_sale
