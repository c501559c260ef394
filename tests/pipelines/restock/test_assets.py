"""The restock assets in a Dagster run over a hand-made warehouse: tables, checks, delivery."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from ml.inventory import plan as plan_module
from ml.inventory.plan import plan_restock
from ml.inventory.policy import apply_policy
from pipelines.definitions import build_definitions
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.defs.restock import assets, checks
from pipelines.defs.restock.resources import RestockDelivery
from tests.pipelines.restock.plans import AS_OF, two_supplier_inputs
from tests.pipelines.restock.warehouse import build_warehouse

RUN_CONFIG = {"ops": {"restock_plan": {"config": {"as_of": AS_OF.isoformat()}}}}
CHECKS = [
    checks.check_fct_restock_recommendations_not_negative,
    checks.check_fct_restock_recommendations_not_absurd,
    checks.check_fct_transfer_suggestions_possible,
]


def delivered(result) -> list:
    return [
        m.materialization
        for m in result.get_asset_materialization_events()
        if m.asset_key == dg.AssetKey(["exports", "restock_delivery"])
    ]


def run(tmp_path, inputs):
    path = build_warehouse(tmp_path / "warehouse.duckdb", inputs)
    buyers = tmp_path / "buyers.yaml"
    buyers.write_text("default: [compras@cadena.pe]\n", encoding="utf-8")
    result = dg.materialize(
        [assets.restock_plan, assets.restock_delivery, *CHECKS],
        resources={
            "warehouse": DuckDBWarehouse(path=str(path)),
            "restock_delivery": RestockDelivery(
                exports_dir=str(tmp_path / "exports"), buyers_file=str(buyers)
            ),
        },
        run_config=RUN_CONFIG,
        raise_on_error=False,
    )
    return result, path


def test_restock_assets_write_the_plan_pass_their_checks_and_deliver(tmp_path, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    inputs = two_supplier_inputs()
    result, path = run(tmp_path, inputs)
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 3 and all(e.passed for e in evaluations)

    expected = plan_restock(inputs).recommendations.set_index(["product_id", "store_id"])
    with duckdb.connect(str(path), read_only=True) as con:
        written = con.execute(
            "select product_id, store_id, order_qty, why from ml.fct_restock_recommendations"
        ).fetchall()
        transfers = con.execute("select count(*) from ml.fct_transfer_suggestions").fetchone()[0]
        card = con.execute(
            "select supplier_id, lead_time_mean_days, lead_time_std_days from "
            "ml.fct_supplier_scorecard order by supplier_id"
        ).fetchall()
    assert len(written) == len(expected) == 4
    for product, store, quantity, why in written:
        assert quantity == expected.loc[(product, store), "order_qty"]
        assert why == expected.loc[(product, store), "why"]
    assert transfers == 0
    # Molinos: 7 ± 2 days learned from its receipts; Aguas del Sur: nominal 3 days
    assert card == [(7, 7.0, 2.0), (8, 3.0, 0.0)]

    delivery = delivered(result)[0].metadata
    assert delivery["drafts"].value == 2
    assert [p.rsplit("/", 1)[-1] for p in delivery["outbox"].value] == [
        "2026-12-06_compras_cadena.pe.eml"
    ]
    folder = tmp_path / "exports" / "restock" / "2026-12-06"
    assert (folder / "OC_molinos_sac_2026-12-06.xlsx").exists()


def broken_backtest():
    """A daily error of 5,000 units on a product selling 4 a day: its safety stock alone is
    decades of demand."""
    inputs = two_supplier_inputs()
    inputs.accuracy.loc[inputs.accuracy["product_id"] == 202, "rmse"] = 5000.0
    return inputs


def test_a_broken_backtest_error_orders_at_most_the_capped_cover(tmp_path):
    result, path = run(tmp_path, broken_backtest())

    assert result.success
    with duckdb.connect(str(path), read_only=True) as con:
        orders = con.execute(
            "select order_qty, daily_demand_qty, pack_size, level_cap_days "
            "from ml.fct_restock_recommendations where product_id = 202 and order_qty > 0"
        ).fetchall()
    assert orders
    for quantity, daily, pack, cap in orders:
        assert cap == 180 and quantity <= 180 * daily + pack


def test_an_absurd_recommendation_fails_its_check_and_stops_the_delivery(tmp_path, monkeypatch):
    # The check guards the policy's output: with the policy's cap undone (a regression), the
    # broken backtest's order is decades of demand.
    monkeypatch.setattr(
        plan_module,
        "_policy",
        lambda items, config: apply_policy(items, config.service_measure, None),
    )
    result, _ = run(tmp_path, broken_backtest())
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    absurd = evaluations["check_fct_restock_recommendations_not_absurd"]
    assert not absurd.passed
    assert absurd.metadata["examples"].value[0].startswith("product 202 store ")
    assert evaluations["check_fct_restock_recommendations_not_negative"].passed
    assert not delivered(result)
    assert not (tmp_path / "exports" / "restock").exists()


def test_restock_assets_are_catalogued_nightly_after_the_forecast():
    graph = build_definitions().resolve_asset_graph()
    for table in (
        "fct_restock_recommendations",
        "fct_transfer_suggestions",
        "fct_supplier_scorecard",
    ):
        node = graph.get(dg.AssetKey(["ml", table]))
        assert node.group_name == "ml"
        assert {
            dg.AssetKey(["ml", "fct_forecast"]),
            dg.AssetKey(["ml", "fct_forecast_accuracy"]),
        } <= set(node.parent_keys)
    delivery = graph.get(dg.AssetKey(["exports", "restock_delivery"]))
    assert delivery.group_name == "ml"
    assert dg.AssetKey(["ml", "fct_restock_recommendations"]) in delivery.parent_keys


@pytest.mark.parametrize("table", ["fct_restock_recommendations", "fct_transfer_suggestions"])
def test_restock_tables_are_known_ml_tables(table):
    from pipelines.ml_tables import ML_TABLES

    assert table in ML_TABLES
