"""What the ML assets read: the marts, as the frames ``ml`` takes.

The ML assets run inside the pipeline, after dbt and before the snapshot, so they read the marts
the snapshot is about to publish (never the core). The SQL that shapes those frames lives here,
so an asset body stays glue and the shapes can be tested on any warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from pipelines import dbt_project

# Calendar flags of dim_date the forecast takes as known-future regressors: the Peruvian
# retail events and paydays (one calendar for the generator and the warehouse).
CALENDAR_FLAGS = (
    "is_holiday", "is_payday", "is_gratificacion_payday", "is_summer", "is_winter",
    "is_campana_escolar", "is_semana_santa", "is_dia_de_la_madre_week", "is_dia_del_padre_week",
    "is_fiestas_patrias", "is_fiestas_patrias_campaign", "is_cyber_wow", "is_black_friday",
    "is_navidad_previa", "is_navidad_campaign", "is_navidad", "is_gratificacion_diciembre",
    "is_ano_nuevo_campaign",
)  # fmt: skip
PRICE_COLUMNS = ("effective_price_pen", "regular_price_pen", "discount_pct", "is_promotion")


def mart_keys(*names: str) -> list[dg.AssetKey]:
    """The Dagster asset keys of the named marts (for an ML asset's ``deps``)."""
    manifest = dbt_project.load_manifest()
    if not manifest:
        return []
    translator = dbt_project.make_translator()
    nodes: Mapping[str, Any] = {n["name"]: n for n in dbt_project.mart_nodes(manifest)}
    return [translator.get_asset_key(nodes[name]) for name in names if name in nodes]


def _flags(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The calendar flags this warehouse's dim_date has (older calendars lack some)."""
    present = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'marts' and table_name = 'dim_date'"
        ).fetchall()
    }
    return [flag for flag in CALENDAR_FLAGS if flag in present]


def forecast_window(con: duckdb.DuckDBPyConnection) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last complete business day of the selling stores, and the first day to forecast.

    The latest day is published while still partial; a model never fits on it.
    """
    last, start = con.execute(
        "select min(last_complete_date), min(forecast_start_date) "
        "from marts.mart_data_completeness "
        "where not is_warehouse and last_complete_date is not null"
    ).fetchone()
    if last is None:
        raise ValueError("the warehouse has no complete business day yet")
    return pd.Timestamp(last), pd.Timestamp(start)


def demand_frames(
    con: duckdb.DuckDBPyConnection, history_days: int, horizon_days: int
) -> dict[str, pd.DataFrame]:
    """History, future regressors and static attributes per product × store series.

    ``y`` is the units sold on the day; a day that ended (or went) out of stock is ``censored``:
    sales there are a lower bound of demand, not demand. Days outside a product's listing are
    no series days at all. Series are the listed products with a sale in the history window.
    """
    last, start = forecast_window(con)
    first = last - pd.Timedelta(days=history_days - 1)
    end = start + pd.Timedelta(days=horizon_days - 1)
    flags = _flags(con)
    flag_sql = ", ".join(f"cast(d.{f} as tinyint) as {f}" for f in flags)
    price_sql = (
        "cast(p.effective_price_pen as double) as effective_price_pen, "
        "cast(p.regular_price_pen as double) as regular_price_pen, "
        "cast(coalesce(p.discount_pct, 0) as double) as discount_pct, "
        "cast(coalesce(p.is_promotion, false) as tinyint) as is_promotion"
    )
    series = """
        select i.store_id, i.product_id
        from marts.fct_inventory_daily i
        join marts.dim_store s using (store_id)
        join marts.dim_product pr using (product_id)
        where not s.is_warehouse and i.date_day between ? and ?
          and (pr.delisted_date is null or pr.delisted_date > ?)
        group by 1, 2
        having sum(coalesce(i.sold_qty, 0)) > 0
    """
    history = con.execute(
        f"""
        with series as ({series})
        select i.store_id || '-' || i.product_id as unique_id, i.date_day as ds,
               cast(coalesce(i.sold_qty, 0) as double) as y,
               (i.is_stockout or coalesce(i.has_stockout_during_day, false)) as censored,
               {price_sql}, {flag_sql}
        from marts.fct_inventory_daily i
        join series using (store_id, product_id)
        join marts.dim_date d on d.date_day = i.date_day
        left join marts.fct_price_calendar p
          on p.date_day = i.date_day and p.product_id = i.product_id and p.store_id = i.store_id
        where i.date_day between ? and ? and i.is_listed
        order by 1, 2
        """,
        [first.date(), last.date(), end.date(), first.date(), last.date()],
    ).df()
    future = con.execute(
        f"""
        with series as ({series}),
        days as (select date_day from marts.dim_date where date_day between ? and ?)
        select s.store_id || '-' || s.product_id as unique_id, days.date_day as ds,
               {price_sql}, {flag_sql}
        from series s
        cross join days
        join marts.dim_date d on d.date_day = days.date_day
        left join marts.fct_price_calendar_future p
          on p.date_day = days.date_day and p.product_id = s.product_id
         and p.store_id = s.store_id
        order by 1, 2
        """,
        [first.date(), last.date(), end.date(), start.date(), end.date()],
    ).df()
    static = con.execute(
        f"""
        with series as ({series})
        select s.store_id || '-' || s.product_id as unique_id, s.store_id, s.product_id,
               pr.category_id, pr.department_id, coalesce(pr.abc_class, 'C') as abc_class,
               pr.category_name, st.store_code
        from series s
        join marts.dim_product pr using (product_id)
        join marts.dim_store st using (store_id)
        order by 1
        """,
        [first.date(), last.date(), end.date()],
    ).df()
    _fill_prices(history, future, static)
    return {"history": history, "future": future, "static": static}


def _fill_prices(history: pd.DataFrame, future: pd.DataFrame, static: pd.DataFrame) -> None:
    """A day without a price row (no calendar before the first sale) takes the series' last
    known regular price: the model needs a price every day, and a gap is no promotion."""
    for frame in (history, future):
        frame["ds"] = pd.to_datetime(frame["ds"])
    last_price = (
        history.dropna(subset=["regular_price_pen"])
        .groupby("unique_id")["regular_price_pen"]
        .last()
    )
    for frame in (history, future):
        fallback = frame["unique_id"].map(last_price)
        for column in ("regular_price_pen", "effective_price_pen"):
            frame[column] = frame[column].fillna(fallback)
        frame.dropna(subset=["regular_price_pen"], inplace=True)
    static["unique_id"] = static["unique_id"].astype(str)


def customer_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Sale lines of identified customers who may be profiled, with what segmentation, customer
    value and recommendations need; their tickets' payment method; stock and margin by product.

    Only customers the core marks profilable (consent and not blocked, Ley 29733) are analysed.
    """
    lines = con.execute(
        """
        select l.customer_id, c.customer_pseudonym, l.sale_id, l.sale_date, l.store_id,
               l.product_id, p.sku, p.product_name, p.category_name as category,
               cast(l.net_sales_pen as double) as net_sales_pen,
               cast(l.margin_pen as double) as margin_pen,
               cast(l.units_qty as double) as units_qty,
               l.is_promotion, l.channel, l.is_return
        from marts.fct_sales_lines l
        join marts.dim_customer c using (customer_id)
        join marts.dim_product p using (product_id)
        where c.is_profilable
        order by l.customer_id, l.sale_date, l.sale_id
        """
    ).df()
    payments = con.execute(
        """
        select sale_id, main_payment_method_code as payment_method
        from marts.fct_customer_transactions
        where transaction_type = 'sale' and is_identified_customer
        """
    ).df()
    stock = con.execute(
        """
        select store_id, product_id as item, cast(stock_on_hand_qty as double) as stock_on_hand_qty
        from marts.fct_inventory_daily
        where date_day = (select max(date_day) from marts.fct_inventory_daily)
        """
    ).df()
    margins = con.execute(
        """
        select product_id as item,
               sum(margin_pen) / nullif(sum(units_qty), 0) as margin_per_unit_pen
        from marts.fct_sales_lines where not is_return group by 1
        """
    ).df()
    for frame in (lines,):
        frame["sale_date"] = pd.to_datetime(frame["sale_date"])
    return {"lines": lines, "payments": payments, "stock": stock, "margins": margins}
