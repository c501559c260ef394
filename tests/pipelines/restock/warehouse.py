"""A hand-made warehouse holding the marts and the forecast the restock assets read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from ml.inventory.plan import RestockInputs

WINDOW_DAYS = 30


def build_warehouse(path: Path, inputs: RestockInputs) -> Path:
    """Write ``inputs`` as the marts and ``ml`` forecast tables a pipeline run would leave."""
    as_of = inputs.as_of
    products = inputs.products.assign(list_price_pen=10.0, is_taxable=True)
    days = [as_of - dt.timedelta(days=d) for d in range(WINDOW_DAYS)]
    inventory = pd.concat(
        [
            inputs.stock.assign(
                date_day=d,
                stock_on_hand_qty=inputs.stock["on_hand_qty"],
                stock_value_pen=inputs.stock["on_hand_qty"] * inputs.stock["unit_cost_pen"],
            )
            for d in days
        ],
        ignore_index=True,
    )
    margin = products.set_index("product_id")["unit_margin_pen"]
    sales = inputs.stock[["product_id", "store_id"]].assign(net_qty=3.0)
    sales = pd.concat([sales.assign(date_day=d) for d in days], ignore_index=True)
    sales["margin_pen"] = sales["net_qty"] * sales["product_id"].map(margin)
    sales["cost_pen"] = sales["net_qty"] * 2.0
    sales["net_sales_pen"] = sales["cost_pen"] + sales["margin_pen"]
    lines = inputs.order_lines.rename(columns={"received_date": "first_receipt_date"}).assign(
        purchase_order_status=lambda f: f["open_qty"].gt(0).map({True: "open", False: "received"}),
        unit_cost_pen=5.0,
    )
    forecast = inputs.forecast.assign(level="product_store_day", model="flat", model_version="v1")
    accuracy = inputs.accuracy.assign(
        model="flat",
        level="series",
        wape=0.3,
        mase=0.9,
        bias=0.0,
        coverage_p10=0.1,
        coverage_p90=0.9,
        n=28,
    )
    tables = {
        "marts.dim_product": products,
        "marts.dim_store": inputs.locations,
        "marts.dim_supplier": inputs.suppliers,
        "marts.fct_inventory_daily": inventory,
        "marts.fct_daily_sales": sales,
        "marts.fct_purchase_order_lines": lines,
        "ml.fct_forecast": forecast,
        "ml.fct_forecast_accuracy": accuracy,
    }
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts; create schema if not exists ml")
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")
        con.execute(
            "create or replace table marts.fct_inventory_daily as select * replace "
            "(cast(date_day as date) as date_day) from marts.fct_inventory_daily"
        )
        con.execute(
            "create or replace table ml.fct_forecast as select * replace "
            "(cast(ds as date) as ds) from ml.fct_forecast"
        )
    return path
