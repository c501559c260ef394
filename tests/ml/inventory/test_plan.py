"""A chain's plan: lead times learned from receipts, transfers before purchases, the warehouse."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import poisson

from ml.inventory.demand import demand_paths
from ml.inventory.lead_times import learn_lead_times
from ml.inventory.plan import plan_restock
from tests.ml.inventory.chain import AS_OF, PRODUCT, SUPPLIER, chain_inputs, supplier_history

# Lead time 7 ± 2 days (learned), review 7 days, 10 units a day, daily error 3, class A (98 %):
# demand over the lead time has mean 70 and variance 7 × 3² + 10² × 2² = 463; 70 + 10 × 21.5
# spans over 200 units, so it is taken as normal: SS = 2.0537 × sqrt(463) = 44.19
SAFETY = 2.0537489 * math.sqrt(463)
REORDER_POINT, ORDER_UP_TO = 70 + SAFETY, 140 + SAFETY


def test_lead_times_learned_from_orders_and_receipts_equal_a_hand_calculation():
    learned = learn_lead_times(supplier_history(1)).iloc[0]
    # Receipts after 5, 7 and 9 days (the two lines of order 1 are one receipt):
    # mean 7, sample standard deviation sqrt(((5-7)² + 0 + (9-7)²) / 2) = 2
    assert learned.supplier_id == SUPPLIER
    assert learned.lead_time_mean_days == 7.0
    assert learned.lead_time_std_days == 2.0
    assert learned.lead_time_receipts == 3
    assert learned.lead_time_source == "history"


def test_supplier_without_receipts_falls_back_to_its_nominal_lead_time():
    history = supplier_history(1)
    history["received_date"] = None
    nominal = pd.DataFrame({"supplier_id": [SUPPLIER, 8], "lead_time_days": [10, 4]})
    learned = learn_lead_times(history, nominal)
    assert learned["lead_time_mean_days"].tolist() == [10.0, 4.0]
    assert learned["lead_time_std_days"].tolist() == [0.0, 0.0]
    assert set(learned["lead_time_source"]) == {"nominal"}


def test_receipt_before_its_order_is_refused():
    history = supplier_history(1)
    history.loc[3, "received_date"] = dt.date(2026, 11, 1)
    with pytest.raises(ValueError, match=r"order 3: received_date 2026-11-01 is before"):
        learn_lead_times(history)


def test_store_alone_orders_from_its_supplier_by_hand():
    plan = plan_restock(chain_inputs({1: 5.0}))
    row = plan.recommendations.iloc[0]
    assert row.lead_time_mean_days == 7 and row.lead_time_std_days == 2
    assert row.demand_lead_qty == pytest.approx(70) and row.demand_protection_qty == 140
    assert row.safety_stock_qty == pytest.approx(SAFETY, abs=1e-5)
    assert row.reorder_point_qty == pytest.approx(REORDER_POINT, abs=1e-5)
    # Need 184.19 − 5 = 179.19 → 15 packs of 12 = 180
    assert row.order_qty == 180
    assert row.replenished_from == "proveedor"
    # 5 units last until the first day's demand of 10: out on 07/12/2026, before any delivery
    assert row.projected_stockout_date == dt.date(2026, 12, 7)
    assert row.runs_out_before_delivery
    assert row.days_of_cover == pytest.approx(0.5)
    assert plan.transfers.empty


def test_transfer_proposed_instead_of_a_purchase_where_a_sister_store_has_excess():
    plan = plan_restock(chain_inputs({1: 5.0, 2: 400.0}))
    transfers = plan.transfers
    assert len(transfers) == 1
    move = transfers.iloc[0]
    assert (move.from_store_id, move.to_store_id, move.kind) == (2, 1, "rebalance")
    assert move.transfer_qty == 180  # 179.19 needed, store 2 spares 400 − 184.19
    assert move.transfer_value_pen == 900.0
    recs = plan.recommendations.set_index("store_id")
    assert recs.loc[1, "order_qty"] == 0 and recs.loc[1, "transfer_in_qty"] == 180
    assert recs.loc[2, "order_qty"] == 0 and recs.loc[2, "transfer_out_qty"] == 180
    assert "recibe 180 de T002" in recs.loc[1, "why"]
    assert recs.loc[2, "overstock_qty"] == pytest.approx(400 - ORDER_UP_TO - 180, abs=1e-5)


def test_a_small_excess_is_moved_and_the_rest_still_bought():
    plan = plan_restock(chain_inputs({1: 5.0, 2: 200.0}))
    assert plan.transfers["transfer_qty"].tolist() == [15.0]  # floor(200 − 184.19)
    store = plan.recommendations.set_index("store_id").loc[1]
    # Position 5 + 15 = 20 is still under the reorder point: 184.19 − 20 = 164.19 → 168
    assert store.order_qty == 168
    assert store.why.startswith("Pedir 168:")
    assert "− traslados entrantes 15 = 164.2 → cajas de 12" in store.why


def test_with_a_warehouse_stores_are_sent_stock_and_the_warehouse_buys_for_the_chain():
    plan = plan_restock(chain_inputs({1: 5.0, 2: 5.0, 9: 100.0}, warehouse=9))
    recs = plan.recommendations.set_index("store_id")
    # Stores: lead time = the transfer's 2 days, review 7, no lead-time spread. Demand over the
    # lead time: mean 20, variance 2 × 3² = 18 ≤ 20, so Poisson(20): P(X ≤ 29) < 98 % ≤ P(X ≤ 30)
    assert poisson.cdf(29, 20) < 0.98 <= poisson.cdf(30, 20)
    # Reorder point 30, safety stock 10, order-up-to 9 × 10 + 10 = 100: each needs 95
    assert recs.loc[1, "lead_time_mean_days"] == 2
    assert recs.loc[1, "reorder_point_qty"] == 30 and recs.loc[1, "order_up_to_qty"] == 100
    assert recs.loc[1, "order_qty"] == 0 and recs.loc[2, "order_qty"] == 0
    moves = plan.transfers.sort_values("to_store_id")
    assert moves["kind"].tolist() == ["replenish", "replenish"]
    assert moves["from_store_id"].tolist() == [9, 9]
    assert moves["transfer_qty"].sum() == 100  # the warehouse's whole shelf, no more
    # The first store gets 95, the second the 5 left: it still lacks 100 − 10
    assert sorted(moves["transfer_qty"]) == [5, 95]
    assert recs.loc[[1, 2], "unfilled_qty"].sum() == 90
    warehouse = recs.loc[9]
    assert warehouse.is_warehouse and warehouse.replenished_from == "proveedor"
    # Chain demand 20 a day over 7 + 7 days; errors sqrt(3² + 3²) a day; over the lead time
    # mean 140, variance 7 × 18 + 20² × 2² = 1,726: 140 + 10 × 41.5 spans over 200 units, normal
    assert warehouse.demand_protection_qty == pytest.approx(280)
    chain_safety = 2.053749 * math.sqrt(7 * 18 + 20**2 * 2**2)
    assert warehouse.safety_stock_qty == pytest.approx(chain_safety, abs=1e-4)
    # Position: 100 on the shelf + 10 in the stores (below their order-up-to) = 110
    assert warehouse.inventory_position_qty == pytest.approx(110)
    # Its levels add the stores' reorder points (2 × 30): what the stores hold when they reorder
    assert warehouse.downstream_target_qty == 60
    assert warehouse.reorder_point_qty == pytest.approx(140 + chain_safety + 60, abs=1e-4)
    assert warehouse.order_up_to_qty == pytest.approx(280 + chain_safety + 60, abs=1e-4)
    expected = math.ceil((280 + chain_safety + 60 - 110) / 12) * 12
    assert warehouse.order_qty == expected == 324  # 315.32 → 27 packs of 12
    assert "+ puntos de pedido de tiendas 60 − en stock 100" in warehouse.why


def test_open_orders_count_as_on_order_and_push_the_stockout_back():
    lines = supplier_history(1)
    lines.loc[len(lines)] = {
        "purchase_order_id": 4,
        "supplier_id": SUPPLIER,
        "store_id": 1,
        "product_id": PRODUCT,
        "ordered_date": dt.date(2026, 12, 3),
        "expected_date": dt.date(2026, 12, 8),
        "received_date": None,
        "ordered_qty": 48.0,
        "received_qty": 0.0,
        "open_qty": 48.0,
    }
    row = plan_restock(chain_inputs({1: 25.0}, order_lines=lines)).recommendations.iloc[0]
    assert row.on_order_qty == 48 and row.inventory_position_qty == 73
    # 25 on hand lasts 07 and 08/12 (20); 48 more arrive on 08/12: 73 covers 7 days, out on 14/12
    assert row.projected_stockout_date == dt.date(2026, 12, 14)
    assert not row.runs_out_before_delivery


def test_demand_over_a_fractional_span_and_past_the_horizon():
    forecast = pd.DataFrame(
        {
            "product_id": 1,
            "store_id": 1,
            "ds": pd.date_range("2026-12-07", periods=10),
            "p50": np.arange(1.0, 11.0),
        }
    )
    keys = pd.DataFrame({"product_id": [1], "store_id": [1]})
    paths = demand_paths(keys, forecast, None, AS_OF + dt.timedelta(days=1))
    assert paths.over(2.5)[0] == pytest.approx(1 + 2 + 0.5 * 3)
    # Past day 10 the last week's mean (4 + ... + 10) / 7 = 7 a day carries on
    assert paths.over(12)[0] == pytest.approx(55 + 2 * 7)
    assert paths.error_source[0] == "poisson"


def test_items_ranked_by_margin_at_risk():
    inputs = chain_inputs({1: 5.0, 2: 120.0, 3: 300.0})
    recs = plan_restock(inputs).recommendations
    assert recs["priority_rank"].tolist() == [1, 2, 3]
    assert recs["margin_at_risk_pen"].is_monotonic_decreasing


def test_sanity_checks_catch_negative_and_absurd_orders():
    from ml.inventory.sanity import (
        absurd_recommendations,
        impossible_transfers,
        negative_recommendations,
    )

    plan = plan_restock(chain_inputs({1: 5.0, 2: 400.0}))
    recs = plan.recommendations
    assert negative_recommendations(recs) == []
    assert absurd_recommendations(recs) == []
    assert impossible_transfers(plan.transfers, recs) == []

    bad = recs.copy()
    bad.loc[0, "order_qty"] = -12.0
    assert negative_recommendations(bad)[0].endswith("order_qty=-12.0")
    bad.loc[0, "order_qty"] = 10 * 12 * 200  # 200 × 10 a day = 2,000 would be the ceiling
    assert "order_qty=24000.0" in absurd_recommendations(bad)[0]
    bad.loc[0, "order_qty"] = 13.0
    assert absurd_recommendations(bad) == [
        f"product {PRODUCT} store {bad.loc[0, 'store_id']}: order_qty=13.0 (not whole packs)"
    ]
    moves = plan.transfers.copy()
    moves.loc[0, "transfer_qty"] = 1000.0
    assert impossible_transfers(moves, recs) == [
        f"product {PRODUCT} store 2: sends 1000.0 holding 400.0"
    ]


def test_a_stockout_more_than_a_year_away_gets_no_date():
    """50,000 units at 10 a day last 13 years; a near-zero forecast made it overflow dates."""
    for units in (50_000.0, 1e15):
        row = plan_restock(chain_inputs({1: units})).recommendations.iloc[0]
        assert row.projected_stockout_date is None
        assert not row.runs_out_before_delivery


def test_a_night_without_forecast_rows_plans_from_the_fallback():
    """A forecast that ends before tonight (a run that has not refitted yet) is no forecast:
    each item falls back to its Poisson guess instead of the plan failing."""
    base = chain_inputs({1: 5.0})
    stale = base.forecast[base.forecast["ds"] < pd.Timestamp(AS_OF)]
    plan = plan_restock(chain_inputs({1: 5.0}, forecast=stale))
    row = plan.recommendations.iloc[0]
    assert not row.has_forecast
    assert row.order_qty >= 0
