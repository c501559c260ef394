"""The supplier scorecard, figure by figure on a hand-made history."""

import datetime as dt

import pandas as pd
import pytest

from ml.inventory.lead_times import learn_lead_times
from ml.inventory.scorecard import supplier_scorecard


def test_scorecard_fill_rate_punctuality_margin_and_rotation_by_hand():
    d = dt.date
    lines = pd.DataFrame(
        [
            # order, supplier, ordered, expected, received, ordered qty, received qty, open qty
            (1, 7, d(2026, 11, 1), d(2026, 11, 6), d(2026, 11, 6), 100.0, 100.0, 0.0),
            (1, 7, d(2026, 11, 1), d(2026, 11, 6), d(2026, 11, 6), 50.0, 40.0, 0.0),
            (2, 7, d(2026, 11, 10), d(2026, 11, 15), d(2026, 11, 18), 50.0, 50.0, 0.0),
            (3, 7, d(2026, 12, 1), d(2026, 12, 6), None, 20.0, 0.0, 20.0),
        ],
        columns=[
            "purchase_order_id",
            "supplier_id",
            "ordered_date",
            "expected_date",
            "received_date",
            "ordered_qty",
            "received_qty",
            "open_qty",
        ],
    ).assign(unit_cost_pen=2.5)
    suppliers = pd.DataFrame(
        {"supplier_id": [7, 8], "supplier_name": ["Molinos", "Lácteos"], "lead_time_days": [5, 3]}
    ).assign(min_order_pen=500.0)
    products = pd.DataFrame({"product_id": [1, 2, 3], "supplier_id": [7, 7, 8]})
    sales = pd.DataFrame(
        {
            "product_id": [1, 2],
            "net_sales_pen": [1000.0, 500.0],
            "cost_pen": [600.0, 300.0],
            "margin_pen": [400.0, 200.0],
        }
    )
    stock = pd.DataFrame({"product_id": [1, 2], "avg_stock_value_pen": [150.0, 75.0]})
    lead_times = learn_lead_times(lines, suppliers[["supplier_id", "lead_time_days"]])
    card = supplier_scorecard(suppliers, products, lines, lead_times, sales, stock, 90)
    molinos = card.set_index("supplier_id").loc[7]
    assert molinos.fill_rate == pytest.approx(190 / 200)  # 100 + 40 + 50 of 200 received
    assert molinos.on_time_rate == 0.5  # order 1 on its day, order 2 three days late
    assert molinos.mean_days_late == 1.5
    assert molinos.lead_time_mean_days == 6.5  # 5 and 8 days
    assert molinos.open_orders_count == 1 and molinos.open_value_pen == 50.0
    assert molinos.margin_pct == pytest.approx(600 / 1500)
    # Cost of sales 900 in 90 days = 3,650 a year over a mean stock of 225: 16.2 turns
    assert molinos.rotation_per_year == pytest.approx(900 * 365 / 90 / 225)
    assert molinos.products_count == 2
    lacteos = card.set_index("supplier_id").loc[8]
    assert lacteos.orders_count == 0 and pd.isna(lacteos.fill_rate)
    assert lacteos.lead_time_mean_days == 3.0  # nominal, no receipt yet
