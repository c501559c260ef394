"""How each supplier serves the chain: fill rate, lead-time reliability, margin and rotation."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _ratio(numerator, denominator):
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def supplier_scorecard(
    suppliers: pd.DataFrame,
    products: pd.DataFrame,
    order_lines: pd.DataFrame,
    lead_times: pd.DataFrame,
    sales: pd.DataFrame,
    stock_value: pd.DataFrame,
    window_days: int,
) -> pd.DataFrame:
    """One row per supplier.

    Args:
        suppliers: ``supplier_id, supplier_name, lead_time_days`` (nominal), ``min_order_pen``.
        products: ``product_id, supplier_id``.
        order_lines: ``purchase_order_id, supplier_id, ordered_date, expected_date,
            received_date, ordered_qty, received_qty, open_qty, unit_cost_pen``.
        lead_times: ``ml.inventory.lead_times.learn_lead_times``'s frame.
        sales: ``product_id, net_sales_pen, cost_pen, margin_pen`` over the last ``window_days``.
        stock_value: ``product_id, avg_stock_value_pen``: the chain's mean stock value over it.

    Fill rate is received over ordered on the lines received; on time is the share of receipts
    on or before the expected date; rotation is the cost of goods sold a year over the mean stock
    value (turns a year).
    """
    lines = order_lines.copy()
    received = lines[lines["received_date"].notna()]
    receipts = received.drop_duplicates(["purchase_order_id", "received_date"])
    late_days = (
        pd.to_datetime(receipts["received_date"]) - pd.to_datetime(receipts["expected_date"])
    ).dt.days
    receipts = receipts.assign(on_time=late_days <= 0, days_late=late_days.clip(lower=0))
    per_receipt = receipts.groupby("supplier_id").agg(
        on_time_rate=("on_time", "mean"), mean_days_late=("days_late", "mean")
    )
    per_line = received.groupby("supplier_id").agg(
        received_lines=("received_qty", "size"),
        ordered_qty=("ordered_qty", "sum"),
        received_qty=("received_qty", "sum"),
    )
    open_lines = lines[lines["open_qty"].fillna(0) > 0]
    open_value = (
        open_lines.assign(value=open_lines["open_qty"] * open_lines["unit_cost_pen"])
        .groupby("supplier_id")
        .agg(open_orders_count=("purchase_order_id", "nunique"), open_value_pen=("value", "sum"))
    )
    orders = lines.groupby("supplier_id").agg(orders_count=("purchase_order_id", "nunique"))
    by_product = products[["product_id", "supplier_id"]].merge(sales, on="product_id", how="left")
    by_product = by_product.merge(stock_value, on="product_id", how="left").fillna(0.0)
    money = by_product.groupby("supplier_id").agg(
        products_count=("product_id", "nunique"),
        net_sales_pen=("net_sales_pen", "sum"),
        cost_of_sales_pen=("cost_pen", "sum"),
        margin_pen=("margin_pen", "sum"),
        avg_stock_value_pen=("avg_stock_value_pen", "sum"),
    )
    card = (
        suppliers[["supplier_id", "supplier_name", "lead_time_days", "min_order_pen"]]
        .rename(columns={"lead_time_days": "nominal_lead_time_days"})
        .set_index("supplier_id")
        .join([orders, per_line, per_receipt, open_value, money])
        .join(
            lead_times.set_index("supplier_id")[
                ["lead_time_mean_days", "lead_time_std_days", "lead_time_receipts"]
            ]
        )
        .reset_index()
    )
    counts = ["orders_count", "received_lines", "open_orders_count", "products_count"]
    card[counts] = card[counts].fillna(0).astype(np.int64)
    sums = [
        "ordered_qty",
        "received_qty",
        "open_value_pen",
        "net_sales_pen",
        "cost_of_sales_pen",
        "margin_pen",
        "avg_stock_value_pen",
    ]
    card[sums] = card[sums].fillna(0.0)
    card["lead_time_receipts"] = card["lead_time_receipts"].fillna(0).astype(np.int64)
    card["fill_rate"] = _ratio(card["received_qty"], card["ordered_qty"])
    card["lead_time_cv"] = _ratio(card["lead_time_std_days"], card["lead_time_mean_days"])
    card["margin_pct"] = _ratio(card["margin_pen"], card["net_sales_pen"])
    card["rotation_per_year"] = _ratio(
        card["cost_of_sales_pen"] * 365.0 / window_days, card["avg_stock_value_pen"]
    )
    card["days_of_inventory"] = _ratio(365.0, card["rotation_per_year"])
    card["window_days"] = window_days
    money_columns = [c for c in card.columns if c.endswith("_pen")]
    card[money_columns] = card[money_columns].astype(float).round(2)
    return card.sort_values("supplier_id").reset_index(drop=True)
