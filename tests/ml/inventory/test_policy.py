"""The reorder policy's arithmetic, worked by hand."""

import pandas as pd
import pytest
from scipy.stats import nbinom

from ml.inventory.explain import why_line
from ml.inventory.policy import apply_policy, round_order
from ml.inventory.sanity import absurd_recommendations


def item(**fields):
    row = {
        "product_id": 1,
        "store_id": 1,
        "on_hand_qty": 30.0,
        "on_order_qty": 10.0,
        "lead_time_mean_days": 4.0,
        "lead_time_std_days": 1.0,
        "review_period_days": 3.0,
        "demand_lead_qty": 40.0,  # 10 a day
        "demand_protection_qty": 70.0,
        "daily_error_std_qty": 3.0,
        "service_level": 0.95,
        "pack_size": 12,
        "min_order_qty": 24.0,
        "unit_cost_pen": 5.0,
        "unit_margin_pen": 2.5,
    }
    row.update(fields)
    return pd.DataFrame([row])


# Demand over the 4-day lead time: mean 40 (10 a day), variance 4 × 3² + 10² × 1² = 136, a
# negative binomial with r = 40² / (136 − 40) = 16.67 and p = 40 / 136 = 0.294.
R, P = 40**2 / 96, 40 / 136


def test_reorder_point_and_order_quantity_worked_by_hand():
    out = apply_policy(item()).iloc[0]
    # The reorder point is the fewest units lasting the lead time in 95 % of cycles:
    # P(X ≤ 60) = 0.9487 < 0.95 ≤ P(X ≤ 61) = 0.9554 → 61; safety stock 61 − 40 = 21
    # (the normal's 1.6449 × √136 = 19.18 is short of the skewed tail)
    assert nbinom.cdf(60, R, P) < 0.95 <= nbinom.cdf(61, R, P)
    assert out.reorder_point_qty == 61
    assert out.safety_stock_qty == 21
    assert out.order_up_to_qty == 91  # 70 + 21
    assert out.inventory_position_qty == 40  # 30 on hand + 10 on order
    assert out.needs_order
    assert out.order_need_qty == 51
    assert out.order_qty == 60  # 51 → 5 packs of 12
    assert out.order_packs == 5
    assert out.order_value_pen == 300.0
    assert out.overstock_qty == 0
    # Uncovered demand over lead time + review: 70 − 40 = 30 units × S/ 2.50
    assert out.margin_at_risk_pen == 75.0


def test_why_line_shows_the_sum_a_buyer_redoes():
    out = apply_policy(item()).iloc[0]
    line = why_line(out)
    assert line.startswith("Pedir 60: demanda 70 en 7 d (plazo 4 + revisión 3)")
    assert "+ seguridad 21 − en stock 30 − en camino 10 = 51 → cajas de 12" in line


def test_packs_and_minimum_order_are_respected():
    assert round_order([49.18], [12], [72.0]).tolist() == [72.0]  # minimum above the need
    assert round_order([49.18], [12], [30.0]).tolist() == [60.0]  # minimum 30 is 3 packs: 36
    assert round_order([10.0], [12], [30.0]).tolist() == [36.0]
    assert round_order([24.0], [12], [0.0]).tolist() == [24.0]  # exactly two packs
    assert round_order([0.0], [12], [30.0]).tolist() == [0.0]  # nothing needed, nothing ordered
    out = apply_policy(item(pack_size=10, min_order_qty=100.0)).iloc[0]
    assert out.order_qty == 100 and out.order_qty % 10 == 0


def test_item_above_its_order_up_to_level_gets_no_order_and_shows_as_overstock():
    out = apply_policy(item(on_hand_qty=120.0, on_order_qty=0.0)).iloc[0]
    assert not out.needs_order
    assert out.order_qty == 0
    assert out.overstock_qty == 29  # 120 − 91
    assert out.overstock_value_pen == 145.0
    assert why_line(out).startswith("Sin pedido, sobrestock 29: posición 120")


def test_between_reorder_point_and_order_up_to_nothing_is_ordered():
    out = apply_policy(item(on_hand_qty=70.0, on_order_qty=0.0)).iloc[0]
    assert not out.needs_order and out.order_qty == 0 and out.overstock_qty == 0
    assert why_line(out).startswith("Sin pedido: posición 70 sobre el punto de pedido 61")


def test_higher_service_level_keeps_more_safety_stock():
    low, high = (apply_policy(item(service_level=s)).iloc[0] for s in (0.90, 0.98))
    assert high.safety_stock_qty > low.safety_stock_qty
    # P(X ≤ 66) = 0.9787 < 0.98 ≤ P(X ≤ 67) = 0.9817; P(X ≤ 48) < 0.90 ≤ P(X ≤ 49)
    assert nbinom.cdf(66, R, P) < 0.98 <= nbinom.cdf(67, R, P)
    assert high.safety_stock_qty == 67 - 40
    assert (
        nbinom.cdf(low.reorder_point_qty - 1, R, P)
        < 0.90
        <= nbinom.cdf(low.reorder_point_qty, R, P)
    )


def test_fill_rate_measure_keeps_less_for_a_long_cycle():
    """Read as a fill rate, 95 % allows 0.05 × 30 = 1.5 units short per 30-unit cycle:
    E[(X − 49)⁺] = 1.67 > 1.5 ≥ E[(X − 50)⁺] = 1.47 → reorder point 50, safety stock 10."""
    out = apply_policy(item(), service_measure="fill_rate").iloc[0]
    assert out.reorder_point_qty == 50 and out.safety_stock_qty == 10
    assert out.order_qty == 48  # 80 − 40 = 40 → 4 packs of 12


def test_bad_input_is_refused_naming_row_and_field():
    with pytest.raises(ValueError, match=r"product 1 store 1: on_hand_qty=-3.0"):
        apply_policy(item(on_hand_qty=-3.0))
    with pytest.raises(ValueError, match=r"pack_size=0"):
        apply_policy(item(pack_size=0))
    with pytest.raises(ValueError, match=r"missing columns \['unit_margin_pen'\]"):
        apply_policy(item().drop(columns="unit_margin_pen"))


def test_items_close_to_their_reorder_point_join_the_suppliers_order():
    from ml.inventory.policy import join_orders

    items = pd.concat(
        [
            item(product_id=1, on_hand_qty=30.0),  # position 40 ≤ 61: ordered
            item(product_id=2, on_hand_qty=60.0),  # position 70 ≤ 91 − 0.5 × 30: joins
            item(product_id=3, on_hand_qty=70.0),  # position 80 > 76: waits
            item(product_id=4, on_hand_qty=60.0),  # like 2, but another supplier: waits
        ],
        ignore_index=True,
    ).assign(supplier_id=[7, 7, 7, 8])
    out = join_orders(apply_policy(items), 0.5).set_index("product_id")
    assert out["order_qty"].to_dict() == {1: 60.0, 2: 24.0, 3: 0.0, 4: 0.0}  # 21 → 2 packs
    assert out["joins_order"].to_dict() == {1: False, 2: True, 3: False, 4: False}
    assert why_line(out.loc[2]).startswith("Pedir 24 con el pedido de hoy al proveedor:")
    assert join_orders(apply_policy(items), 0.0)["order_qty"].tolist() == [60.0, 0.0, 0.0, 0.0]


def test_a_very_slow_movers_levels_stop_at_the_cover_a_buyer_would_sign():
    # A TV the chain sells 2.7 times a year (0.0075 a day) with a lumpy error: its 98 % tail
    # over 36.5 days asks for 3 units (about 400 days of demand), the cap for 180 days: 1.35.
    slow = item(
        on_hand_qty=0.0,
        on_order_qty=0.0,
        lead_time_mean_days=29.5,
        review_period_days=7.0,
        demand_lead_qty=0.22,
        demand_protection_qty=0.0075 * 36.5,
        daily_error_std_qty=0.134,
        service_level=0.98,
        pack_size=1,
        min_order_qty=1.0,
    )
    uncapped = apply_policy(slow).iloc[0]
    out = apply_policy(slow, max_cover_days=180).iloc[0]

    assert uncapped.order_qty >= 3
    assert out.order_up_to_qty == pytest.approx(180 * 0.0075)
    assert out.reorder_point_qty == pytest.approx(180 * 0.0075)
    assert out.order_qty == 2  # 1.35 − 0 → 2 whole units
    assert out.level_cap_days == 180
    assert absurd_recommendations(apply_policy(slow, max_cover_days=180)) == []
    assert absurd_recommendations(apply_policy(slow)) != []
    assert "Pedir 2: tope 1.3 (180 d de demanda a 0.0075/d; sin tope: demanda" in why_line(out)
    # An item selling 10 a day is far from the cap: nothing changes.
    assert apply_policy(item(), max_cover_days=180).iloc[0].order_qty == 60
