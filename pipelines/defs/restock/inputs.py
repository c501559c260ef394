"""What the restock plan reads from the warehouse: the marts and tonight's forecast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd

from ml.inventory.plan import RestockInputs

LIMA = ZoneInfo("America/Lima")
FORECAST_LEVEL = "product_store_day"
ACCURACY_LEVEL = "series"  # fct_forecast_accuracy's per product × store rows
KEY = ["product_id", "store_id"]
IGV_FACTOR = 1.18
ORDER_LINE_COLUMNS = [
    "purchase_order_id",
    "supplier_id",
    "store_id",
    "product_id",
    "ordered_date",
    "expected_date",
    "received_date",
    "ordered_qty",
    "received_qty",
    "open_qty",
    "unit_cost_pen",
]


class NoForecast(ValueError):
    """No forecast to plan with yet (a new chain, or a forecast that could not train)."""


@dataclass(frozen=True)
class ScorecardInputs:
    sales: pd.DataFrame
    stock_value: pd.DataFrame
    window_days: int


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _columns(con, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? "
        "and table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows}


def last_complete_day(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dt.date:
    """The last day of ``fct_inventory_daily`` before today in Lima (today may be half done)."""
    today = today or dt.datetime.now(LIMA).date()
    day = con.execute(
        "select max(date_day) from marts.fct_inventory_daily where date_day < ?", [today]
    ).fetchone()[0]
    if day is None:
        raise ValueError("marts.fct_inventory_daily has no complete day: nothing to plan from")
    return day


def _forecast(con, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tonight's daily forecast per product × store (one model per series, the one the nightly
    chose) and each series' backtest error."""
    if not _exists(con, "ml", "fct_forecast"):
        raise NoForecast("no hay pronóstico (ml.fct_forecast): la reposición lo necesita")
    forecast = con.execute(
        "select product_id, store_id, ds, p10, p50, p90, model from ml.fct_forecast "
        "where level = ? and ds > ?",
        [FORECAST_LEVEL, as_of],
    ).df()
    if forecast.empty:
        raise NoForecast(
            f"ml.fct_forecast no tiene filas {FORECAST_LEVEL!r} después del {as_of:%d/%m/%Y}: "
            "nada con qué planificar"
        )
    accuracy = pd.DataFrame(columns=["product_id", "store_id", "model", "rmse"])
    if _exists(con, "ml", "fct_forecast_accuracy"):
        accuracy = con.execute(
            "select product_id, store_id, model, rmse from ml.fct_forecast_accuracy "
            "where level = ?",
            [ACCURACY_LEVEL],
        ).df()
    chosen = forecast[[*KEY, "model"]].drop_duplicates()
    own = accuracy.merge(chosen, on=[*KEY, "model"]).dropna(subset=["rmse"])
    procedure = accuracy[accuracy["model"] == "auto"].drop(columns="model").merge(chosen, on=KEY)
    # the chosen model's own backtest error where kept, else that of the choice itself ('auto':
    # each window forecast by the model the other windows chose)
    accuracy = pd.concat([own, procedure], ignore_index=True).drop_duplicates(KEY)
    return forecast, accuracy


def _order_lines(con) -> pd.DataFrame:
    if not _exists(con, "marts", "fct_purchase_order_lines"):
        return pd.DataFrame(columns=ORDER_LINE_COLUMNS)
    return con.execute(
        """
        select purchase_order_id, supplier_id, store_id, product_id, ordered_date,
               expected_date, first_receipt_date as received_date,
               cast(ordered_qty as double) as ordered_qty,
               cast(received_qty as double) as received_qty,
               cast(case when purchase_order_status = 'open' then open_qty else 0 end as double)
                   as open_qty,
               cast(unit_cost_pen as double) as unit_cost_pen
        from marts.fct_purchase_order_lines
        where purchase_order_status <> 'cancelled'
        """
    ).df()


def _products(con, as_of: dt.date, window_days: int) -> pd.DataFrame:
    columns = _columns(con, "marts", "dim_product")
    min_order = "cast(p.min_order_qty as double)" if "min_order_qty" in columns else "0.0"
    pack = "p.pack_size"
    join = ""
    if _exists(con, "marts", "dim_product_supplier"):
        join = "left join marts.dim_product_supplier ps using (product_id, supplier_id)"
        pack = "coalesce(ps.pack_size, p.pack_size)"
        min_order = f"coalesce(cast(ps.min_order_qty as double), {min_order})"
    products = con.execute(
        f"""
        select p.product_id, p.sku, p.product_name, p.category_name, p.abc_class,
               p.supplier_id, {pack} as pack_size, {min_order} as min_order_qty,
               cast(p.list_price_pen as double) as list_price_pen, p.is_taxable
        from marts.dim_product p
        {join}
        """
    ).df()
    margins = con.execute(
        """
        select product_id, sum(margin_pen) / nullif(sum(net_qty), 0) as unit_margin_pen
        from marts.fct_daily_sales
        where date_day > ? - cast(? as integer) and date_day <= ?
        group by product_id having sum(net_qty) > 0
        """,
        [as_of, window_days, as_of],
    ).df()
    products = products.merge(margins, on="product_id", how="left")
    products["unit_margin_pen"] = products["unit_margin_pen"].astype(float)
    return products


def read_restock_inputs(
    con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None, window_days: int = 90
) -> tuple[RestockInputs, ScorecardInputs]:
    """The plan's inputs as of the last complete day (or ``as_of``)."""
    as_of = as_of or last_complete_day(con)
    stock = con.execute(
        """
        select product_id, store_id, cast(stock_on_hand_qty as double) as on_hand_qty,
               cast(unit_cost_pen as double) as unit_cost_pen
        from marts.fct_inventory_daily where date_day = ?
        """,
        [as_of],
    ).df()
    bad = stock[stock["on_hand_qty"] < 0]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(
            f"fct_inventory_daily {as_of}: product {row.product_id} store {row.store_id} has "
            f"stock_on_hand_qty={row.on_hand_qty}"
        )
    products = _products(con, as_of, window_days)
    cost = stock.groupby("product_id")["unit_cost_pen"].median()
    net_price = products["list_price_pen"] / np.where(products["is_taxable"], IGV_FACTOR, 1.0)
    products["unit_margin_pen"] = products["unit_margin_pen"].fillna(
        net_price - products["product_id"].map(cost)
    )
    locations = con.execute(
        "select store_id, store_code, store_name, is_warehouse from marts.dim_store"
    ).df()
    suppliers = con.execute(
        """
        select supplier_id, supplier_name, supplier_ruc, lead_time_days,
               cast(min_order_pen as double) as min_order_pen
        from marts.dim_supplier
        """
    ).df()
    forecast, accuracy = _forecast(con, as_of)
    inputs = RestockInputs(
        as_of=as_of,
        stock=stock,
        locations=locations,
        products=products,
        suppliers=suppliers,
        order_lines=_order_lines(con),
        forecast=forecast,
        accuracy=accuracy,
    )
    sales = con.execute(
        """
        select product_id, cast(sum(net_sales_pen) as double) as net_sales_pen,
               cast(sum(cost_pen) as double) as cost_pen,
               cast(sum(margin_pen) as double) as margin_pen
        from marts.fct_daily_sales
        where date_day > ? - cast(? as integer) and date_day <= ?
        group by product_id
        """,
        [as_of, window_days, as_of],
    ).df()
    stock_value = con.execute(
        """
        select product_id, cast(sum(stock_value_pen) as double) / ? as avg_stock_value_pen
        from marts.fct_inventory_daily
        where date_day > ? - cast(? as integer) and date_day <= ?
        group by product_id
        """,
        [window_days, as_of, window_days, as_of],
    ).df()
    return inputs, ScorecardInputs(sales, stock_value, window_days)
