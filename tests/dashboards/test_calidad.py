"""Calidad de datos: freshness from the snapshot, runs and failed checks from the Dagster
instance the pipeline records into, with links into the Dagster UI."""

from __future__ import annotations

import shutil

import dagster as dg
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, snapshot, snapshot_file


@dg.asset(key=["marts", "probe"])
def probe() -> int:
    return 1


@dg.asset_check(asset=probe, name="check_probe_is_two")
def check_probe_is_two() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description="la sonda vale 1, se esperaba 2")


def test_runs_failed_checks_and_freshness_are_shown(demo_warehouse, use_home, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(demo_warehouse.snapshot_path, snapshot_file(home))
    use_home(home)
    from pipelines.runner import local_instance

    with local_instance() as instance:
        result = dg.materialize([probe, check_probe_is_two], instance=instance)
    assert result.success

    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    app.switch_page("views/calidad.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
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
