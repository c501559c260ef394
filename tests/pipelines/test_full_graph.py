"""The whole graph on a demo chain: extract, dbt, checks and snapshot, run in process.

Slow (each dbt build of the project takes minutes): one scenario per test, a fresh demo chain
each (the demo generator at a tiny scale), the same definitions and jobs as production.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import dagster as dg
import psycopg
import pytest
from typer.testing import CliRunner

from erp_core import db
from erp_core.demo.generate import generate
from erp_core.demo.scales import Scale
from erp_core.domain.money import line_amounts
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.settings import get_settings
from erp_core.timeutil import LIMA
from pipelines import dbt_project, runner
from pipelines.cli import app
from pipelines.extract import SOURCE_TABLES, Strategy
from pipelines.snapshot import open_snapshot

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
]

TINY = Scale("tiny", stores=2, skus=90, days=21, sale_lines=6_000, suppliers=9,
             complementary_pairs=4)  # fmt: skip
RAW_KEYS = {dg.AssetKey(["raw", t.name]) for t in SOURCE_TABLES}
SNAPSHOT = dg.AssetKey("warehouse_snapshot")
# Marts tagged `nightly` in dbt_project.yml: the hourly refresh leaves them to the nightly run.
NIGHTLY_MARTS = {
    "dim_promotion",
    "fct_price_calendar",
    "fct_price_calendar_future",
    "fct_purchase_order_lines",
    "dim_product_supplier",
}


@pytest.fixture(scope="session")
def manifest():
    """``dbt parse`` once per session, as ``innovalogix pipeline prepare`` does."""
    return dbt_project.prepare()


@pytest.fixture
def demo_chain(pipeline_env, db_url, tmp_path, manifest):
    with psycopg.connect(db_url) as conn:
        generate(conn, TINY, seed=11, truth_path=tmp_path / "planted_truth.json")
    return db_url


def run_all(job: str = runner.DEFAULT_JOB, **kwargs) -> dg.ExecuteInProcessResult:
    return runner.run_graph(
        job, prepare_dbt=False, instance=dg.DagsterInstance.ephemeral(), **kwargs
    )


def untrained_model(evaluation: dg.AssetCheckEvaluation) -> bool:
    """The tiny chain's 21 days cannot train the models: their checks warn, the run goes on."""
    return (
        evaluation.asset_key.path[0] == "ml" and evaluation.severity == dg.AssetCheckSeverity.WARN
    )


def checks_of(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_check_key.to_user_string(): e for e in result.get_asset_check_evaluations()}


def materialized(result) -> set[dg.AssetKey]:
    return {e.asset_key for e in result.get_asset_materialization_events()}


def mart_checksums() -> dict[str, tuple]:
    """Row count and an order-independent digest of every mart in the published snapshot."""
    with open_snapshot() as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
        return {
            name: con.execute(
                "select count(*), md5(string_agg(md5(r::varchar), ',' order by md5(r::varchar))) "
                f"from marts.{name} as r"
            ).fetchone()
            for (name,) in tables
        }


def sell_on_a_new_day(url: str) -> dt.date:
    """Three one-line boletas on the day after the core's last sale day, through the service."""
    with db.connect(url) as conn:
        day = conn.execute("select max(sale_date) + 1 from sales").fetchone()[0]
        on_hand = conn.execute(
            "select s.code, p.sku, p.list_price, p.igv_affectation from stock_balances b "
            "join stores s using (store_id) join products p using (product_id) "
            "where not s.is_warehouse and p.is_active and b.quantity >= 1 and not exists ("
            "  select 1 from promotions pr where pr.product_id = p.product_id "
            "  and %s between pr.starts_on and pr.ends_on) "
            "order by s.code, p.sku limit 3",
            (day,),
        ).fetchall()
        assert len(on_hand) == 3
        for i, (store, sku, price, igv) in enumerate(on_hand):
            total = line_amounts(price, Decimal(1), igv, Decimal(0)).line_total
            sell(
                conn,
                SaleRequest(
                    idempotency_key=f"hourly-{day}-{i}",
                    store_code=store,
                    lines=[SaleLineInput(sku, Decimal(1))],
                    payments=[PaymentInput("cash", total)],
                    sold_at=dt.datetime.combine(day, dt.time(0, i), LIMA),  # today, if so: past
                ),
            )
    return day


def test_a_current_manifest_is_not_parsed_again(monkeypatch):
    path = dbt_project.prepare()  # dbt parse, unless the manifest is current already
    written = path.stat().st_mtime_ns

    assert dbt_project.manifest_is_current()
    assert dbt_project.prepare() == path
    assert path.stat().st_mtime_ns == written  # no dbt parse
    monkeypatch.setenv("DBT_THREADS", "7")  # dbt re-parses when its profile changes
    assert not dbt_project.manifest_is_current()


def test_the_hourly_refresh_of_a_new_day_equals_a_full_rebuild(demo_chain):
    assert run_all().success  # the nightly run
    nightly = mart_checksums()
    day = sell_on_a_new_day(demo_chain)

    hourly = run_all("refresh_warehouse_job")

    assert hourly.success
    # The marts only forecasting and restock read are the nightly's: neither built nor tested.
    built = {key.path[-1] for key in materialized(hourly)}
    assert "fct_sales_lines" in built
    assert built.isdisjoint(NIGHTLY_MARTS)
    checks = checks_of(hourly)
    assert {name.split(":")[0].split("/")[-1] for name in checks}.isdisjoint(NIGHTLY_MARTS)
    assert checks["marts/dim_customer:assert_no_personal_data_in_warehouse"].passed
    assert not [e for e in hourly.all_events if e.event_type_value == "ASSET_OBSERVATION"]
    assert [k for k, e in checks.items() if not e.passed and not untrained_model(e)] == []
    # It checked the days it rebuilt, the new one among them, and patched the snapshot.
    reconciliation = checks["marts/fct_sales_lines:check_fct_sales_lines_reconciles_with_core"]
    since = dt.date.fromisoformat(reconciliation.metadata["since"].value)
    assert since < day
    [snapshot] = [e for e in hourly.get_asset_materialization_events() if e.asset_key == SNAPSHOT]
    assert snapshot.materialization.metadata["patched_days"].value >= 1
    patched = mart_checksums()
    with open_snapshot() as con:
        sold = con.execute(
            "select count(*) from marts.fct_sales_lines where transaction_date = ?", [day]
        ).fetchone()[0]
    assert sold == 3
    # ... and published as last night left them.
    assert {t: patched[t] for t in NIGHTLY_MARTS} == {t: nightly[t] for t in NIGHTLY_MARTS}

    _a_mart_a_stopped_nightly_rejected_stays_unpublished(patched)

    assert run_all(full_refresh=True).success
    rebuilt = mart_checksums()
    assert rebuilt.keys() == patched.keys()
    assert {t: c for t, c in rebuilt.items() if t not in NIGHTLY_MARTS} == {
        t: c for t, c in patched.items() if t not in NIGHTLY_MARTS
    }


def _a_mart_a_stopped_nightly_rejected_stays_unpublished(published: dict[str, tuple]) -> None:
    """A nightly that a blocking check stopped built the whole project but published nothing:
    the next hourly copies everything anew, except the mart the check rejected, which keeps
    its published copy (its check's failure recorded in the instance, the nightly's build in
    the warehouse, the mart emptied as the rejected build left it)."""
    from pipelines.definitions import build_definitions
    from pipelines.warehouse import open_warehouse

    rejected = dg.AssetKey(["marts", "dim_product_supplier"])
    assert published["dim_product_supplier"][0] > 0
    graph = build_definitions().resolve_asset_graph()
    check = sorted(graph.get_check_keys_for_assets({rejected}), key=str)[0]
    instance = dg.DagsterInstance.ephemeral()
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(
            asset_key=rejected,
            check_name=check.name,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
        )
    )
    with open_warehouse(get_settings().warehouse_path) as con:
        con.execute("delete from marts.dim_product_supplier")
        dbt_project.record_build_window(
            con, "stopped-nightly", lookback_days=dbt_project.default_lookback_days(),
            full_refresh=False, whole_project=True,
        )  # fmt: skip
        dbt_project.record_build(con, "stopped-nightly")

    assert runner.run_graph("refresh_warehouse_job", prepare_dbt=False, instance=instance).success
    assert mart_checksums()["dim_product_supplier"] == published["dim_product_supplier"]


def test_whole_graph_reconciles_and_a_second_run_changes_no_mart(demo_chain):
    cli = CliRunner().invoke(app, ["run"])

    assert cli.exit_code == 0, cli.output
    assert "succeeded" in cli.output
    instance = runner.local_instance()  # the CLI records its runs where the UI finds them
    [run] = instance.get_runs()
    evaluations = [
        record.dagster_event.event_specific_data
        for record in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
    ]
    checks = {e.asset_check_key.to_user_string(): e for e in evaluations}
    assert [k for k, e in checks.items() if not e.passed and not untrained_model(e)] == []
    assert checks["raw/sales:check_raw_sales_reconciles_with_core"].passed
    assert checks["marts/fct_sales_lines:check_fct_sales_lines_reconciles_with_core"].passed
    assert instance.get_latest_materialization_event(SNAPSHOT).run_id == run.run_id
    before = mart_checksums()
    assert "fct_sales_lines" in before
    assert before["fct_sales_lines"][0] > 0

    second = run_all()

    assert second.success
    for event in second.get_asset_materialization_events():
        if event.asset_key in RAW_KEYS:
            table = event.asset_key.path[-1]
            strategy = event.materialization.metadata["strategy"].value
            if strategy != Strategy.FULL:
                assert event.materialization.metadata["rows_loaded"].value == 0, table
    assert mart_checksums() == before


def test_a_bad_sale_fails_its_blocking_check_and_nothing_downstream_is_built(demo_chain):
    with psycopg.connect(demo_chain) as conn:
        conn.execute(
            "update sales set total_amount = total_amount + 1 "
            "where sale_id = (select max(sale_id) from sales)"
        )

    result = run_all()

    assert not result.success
    failed = [k for k, e in checks_of(result).items() if not e.passed]
    assert failed == ["raw/sales:check_raw_sales_expectations"]
    # The extract landed (the evidence is in raw), nothing built on it did; the core's
    # partition maintenance does not depend on the warehouse.
    assert materialized(result) == RAW_KEYS | {dg.AssetKey(["core_partitions"])}
    assert not (get_settings().home / "warehouse_snapshot.duckdb").exists()


def test_a_broken_kardex_balance_stops_only_the_models_that_depend_on_it(demo_chain):
    with psycopg.connect(demo_chain) as conn:
        # A shrinkage movement whose running balance forgot to subtract it.
        conn.execute(
            "insert into kardex (movement_date, moved_at, store_id, product_id, operation_type, "
            "doc_type, serie, number, source_table, source_id, quantity_out, unit_cost_out, "
            "total_out, balance_quantity, balance_unit_cost, balance_value) "
            "select movement_date, moved_at + interval '1 second', store_id, product_id, '13', "
            "'00', 'MER1', 1, 'inventory_adjustment_lines', 0, 1, balance_unit_cost, "
            "round(balance_unit_cost, 2), balance_quantity, balance_unit_cost, balance_value "
            "from kardex where kardex_id = "
            "(select max(kardex_id) from kardex where balance_quantity >= 1)"
        )

    result = run_all()

    assert not result.success
    failed = {k for k, e in checks_of(result).items() if not e.passed}
    assert (
        "marts/fct_inventory_movements:assert_kardex_running_balance_equals_cumulative_movements"
        in failed
    )
    assert not any(k.startswith("raw/") for k in failed), failed
    built = materialized(result)
    assert dg.AssetKey(["marts", "fct_sales_lines"]) in built
    assert dg.AssetKey(["marts", "fct_inventory_movements"]) in built
    for key in descendants_of("fct_inventory_movements"):
        assert key not in built, key
    assert SNAPSHOT not in built


def descendants_of(model: str) -> set[dg.AssetKey]:
    manifest = json.loads(dbt_project.dbt_project().manifest_path.read_text())
    translator = dbt_project.make_translator()
    start = next(
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"] == model
    )
    seen, stack = set(), list(manifest["child_map"][start])
    while stack:
        uid = stack.pop()
        if uid in seen or not uid.startswith("model."):
            continue
        seen.add(uid)
        stack.extend(manifest["child_map"][uid])
    return {translator.get_asset_key(manifest["nodes"][uid]) for uid in seen}
