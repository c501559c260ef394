"""The code location: how it loads, what it holds, and the extract run through Dagster."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import dagster as dg
import psycopg
import pytest

from erp_core.paths import PROJECT_ROOT
from pipelines import dbt_project, quality, runner
from pipelines.definitions import build_definitions
from pipelines.defs.resources import PostgresSource
from pipelines.extract import SOURCE_TABLES
from tests.pipelines.dataset import add_sales_day
from tests.pipelines.helpers import core_query, warehouse_query

RAW_KEYS = [dg.AssetKey(["raw", t.name]) for t in SOURCE_TABLES]


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions()


def test_loading_the_code_location_reads_no_settings(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@unreachable.invalid:1/nothing")
    monkeypatch.setenv("INNOVALOGIX_HOME", "/nonexistent/innovalogix")

    loaded = build_definitions()

    assert set(RAW_KEYS) <= set(loaded.resolve_all_asset_keys())


def test_every_extract_asset_is_catalogued(defs):
    graph = defs.resolve_asset_graph()
    for key in RAW_KEYS:
        node = graph.get(key)
        assert node.group_name == "extract"
        assert node.owners == ["team:data-platform"]
        assert {"postgres", "duckdb"} <= set(node.kinds)
        assert node.description


def test_jobs_schedules_and_sensors(defs):
    nightly = defs.get_schedule_def("materialize_all_job_schedule")
    assert (nightly.cron_schedule, nightly.execution_timezone) == ("0 2 * * *", "America/Lima")
    assert nightly.job_name == "materialize_all_job"
    hourly = defs.get_schedule_def("refresh_warehouse_job_schedule")
    assert hourly.job_name == "refresh_warehouse_job"
    assert hourly.cron_schedule == "30 * * * *"
    assert defs.get_sensor_def("new_sales_sensor").job_name == "refresh_warehouse_job"
    for name in ("materialize_all_job", "refresh_warehouse_job"):
        assert defs.resolve_job_def(name).executor_def.name == "in_process"


def test_dbt_models_follow_the_raw_extracts_and_feed_the_snapshot(defs):
    graph = defs.resolve_asset_graph()
    assert (
        dg.AssetKey(["raw", "sales"])
        in graph.get(dg.AssetKey(["staging", "stg_erp__sales"])).parent_keys
    )
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert marts
    assert marts <= graph.get(dg.AssetKey("warehouse_snapshot")).parent_keys
    check_keys = set(graph.asset_check_keys)
    for suite in quality.MART_SUITES:
        key = dg.AssetCheckKey(dg.AssetKey(list(suite.asset_key)), suite.check_name)
        assert key in check_keys, f"{key} targets a mart the dbt project does not define"
    fresh = [k for k in check_keys if k.name == "freshness_check"]
    assert {k.asset_key for k in fresh} == marts


def test_every_dbt_test_is_an_asset_check_blocking_unless_a_warning(defs):
    graph = defs.resolve_asset_graph()
    checks = {key.name: key for key in graph.asset_check_keys}
    tests = [
        n for n in dbt_project.load_manifest()["nodes"].values() if n["resource_type"] == "test"
    ]
    assert tests
    assert sorted(t["name"] for t in tests if t["name"] not in checks) == []
    for test in tests:
        spec = graph.get_check_spec(checks[test["name"]])
        assert spec.blocking == (test["config"]["severity"].lower() == "error"), test["name"]
    # A singular test that reads no model (information_schema) is a check of the model its
    # meta names, so it can stop the snapshot.
    personal_data = checks["assert_no_personal_data_in_warehouse"]
    assert personal_data.asset_key == dg.AssetKey(["marts", "dim_customer"])
    assert graph.get_check_spec(personal_data).blocking


@pytest.mark.integration
def test_new_sales_sensor_runs_the_refresh_only_when_sales_grow(pipeline_env, conn, chain, days):
    core = PostgresSource()
    first = new_sales(None, core)
    assert isinstance(first, dg.RunRequest)
    assert first.run_key == "new-sales-40"

    assert isinstance(new_sales("40", core), dg.SkipReason)

    add_sales_day(conn, chain, days[-1] + dt.timedelta(days=1), sales_per_store=1)
    again = new_sales("40", core)
    assert isinstance(again, dg.RunRequest)
    assert again.run_key == "new-sales-42"


def new_sales(cursor, core):
    from pipelines.defs.extract.sensors import new_sales_sensor

    context = dg.build_sensor_context(cursor=cursor, resources={"core": core})
    result = new_sales_sensor(context)
    return result


@pytest.mark.integration
def test_extract_assets_materialize_with_counts_watermarks_and_checks(pipeline_env, chain):
    result = runner.run_graph(
        asset_selection=RAW_KEYS, prepare_dbt=False, instance=dg.DagsterInstance.ephemeral()
    )

    assert result.success
    events = {e.asset_key: e for e in result.get_asset_materialization_events()}
    assert set(events) == set(RAW_KEYS)
    sales = events[dg.AssetKey(["raw", "sales"])].materialization.metadata
    assert sales["dagster/row_count"].value == 40
    assert sales["watermark"].value.endswith("sale_id 40")
    assert sales["elapsed_s"].value >= 0
    checks = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    assert checks["check_raw_sales_reconciles_with_core"].passed
    assert checks["check_raw_customers_expectations"].passed
    assert all(e.passed for e in checks.values()), [k for k, e in checks.items() if not e.passed]


@pytest.mark.integration
def test_a_subset_of_extract_assets_loads_only_those_tables(pipeline_env, chain):
    result = runner.run_graph(
        asset_selection=[dg.AssetKey(["raw", "stores"])],
        prepare_dbt=False,
        instance=dg.DagsterInstance.ephemeral(),
    )

    assert result.success
    tables = warehouse_query(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    )
    assert tables == [("stores",)]


@pytest.mark.integration
def test_a_bad_sale_fails_the_blocking_expectations_of_raw_sales(pipeline_env, conn, chain, days):
    conn.execute(
        "update sales set total_amount = total_amount + 1 "
        "where sale_id = (select min(sale_id) from sales)"
    )
    conn.commit()

    shown = []
    result = runner.run_graph(
        asset_selection=RAW_KEYS,
        prepare_dbt=False,
        instance=dg.DagsterInstance.ephemeral(),
        on_progress=lambda p: shown.append(
            (len(p.materialized), p.checks_passed, p.finished, list(p.checks_failed))
        ),
        poll_seconds=0.05,
    )

    checks = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    failed = checks["check_raw_sales_expectations"]
    assert not failed.passed
    # The progress display, fed by the run's new events at each poll, ends where the run did.
    passed = sum(e.passed for e in checks.values())
    assert shown[-1] == (len(RAW_KEYS), passed, True, ["raw/sales:check_raw_sales_expectations"])
    assert len(shown) > 2 and [s[0] for s in shown] == sorted(s[0] for s in shown)
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    failures = failed.metadata["failures"].value
    assert [f["column"] for f in failures] == ["header_imbalance_pen"]
    # The core's own totals changed too, so the reconciliation still agrees.
    assert checks["check_raw_sales_reconciles_with_core"].passed


@pytest.mark.integration
def test_a_sale_committed_after_the_extract_with_a_lower_id_does_not_fail_the_reconciliation(
    pipeline_env, db_url, conn, chain, days, monkeypatch
):
    """A POS transaction takes its sale_id, another store's sale commits a higher one, the
    extract reads up to that one, then the first commits: the warehouse agrees with the core's
    snapshot it read, so the blocking reconciliation must pass (the next run loads the sale)."""
    from pipelines.defs.extract import assets as extract_assets

    with psycopg.connect(db_url) as late:
        late.execute(
            "insert into sales (sale_date, sold_at, store_id, doc_type, serie, number, "
            "taxable_amount, exempt_amount, igv_amount, total_amount) "
            "select sale_date, sold_at, store_id, doc_type, serie, number + 900, "
            "taxable_amount, exempt_amount, igv_amount, total_amount "
            "from sales order by sale_id limit 1"
        )
        add_sales_day(conn, chain, days[-1], sales_per_store=1)
        real_extract = extract_assets.extract

        def extract_then_commit_late(*args, **kwargs):
            loads = real_extract(*args, **kwargs)
            late.commit()
            return loads

        monkeypatch.setattr(extract_assets, "extract", extract_then_commit_late)
        result = runner.run_graph(
            asset_selection=RAW_KEYS, prepare_dbt=False, instance=dg.DagsterInstance.ephemeral()
        )

    checks = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    check = checks["check_raw_sales_reconciles_with_core"]
    assert check.passed, check.metadata["differences"].value
    late_sale = core_query("select min(sale_id) from sales where number > 900")[0][0]
    assert late_sale < check.metadata["up_to_sale_id"].value


def test_loading_imports_no_great_expectations_and_parses_no_dbt():
    """The code location loads fast: GE is imported inside the checks, dbt is not parsed."""
    manifest = dbt_project.dbt_project().manifest_path if dbt_project.dbt_project() else None
    before = manifest.stat().st_mtime_ns if manifest and manifest.exists() else None
    code = (
        "import sys, time\n"
        "started = time.perf_counter()\n"
        "from pipelines.definitions import defs\n"
        "defs()\n"
        "print(round(time.perf_counter() - started, 1), 'great_expectations' in sys.modules)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    seconds, imported = loaded.stdout.split()
    assert imported == "False"
    assert float(seconds) < 60
    if before is not None:
        assert manifest.stat().st_mtime_ns == before
