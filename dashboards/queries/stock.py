"""Stock health from the marts: stockouts, days of cover, overstock and slow movers at the end
of the chosen period, in the stores and categories the filters keep."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.scope import store_scope
from dashboards.warehouse import query

COVER_WINDOW_DAYS = 28  # demand rate: average daily units sold over the last 4 weeks
OVERSTOCK_DAYS = 90  # more than this many days of cover is overstock
SLOW_DAYS = 60  # stock on hand and nothing sold for this long: slow mover
LAST_SALE_LOOKBACK_DAYS = 180  # the last sale is looked for within 6 months (older: none)
POSITION_COLUMNS = (
    "store_code",
    "sku",
    "product_name",
    "category_name",
    "abc_class",
    "stock_on_hand_qty",
    "stock_value_pen",
    "unit_cost_pen",
    "is_stockout",
    "daily_demand_qty",
    "days_of_cover",
    "last_sale_date",
    "overstock_value_pen",
)


def stock_day(end) -> dt.date | None:
    """The day stock is read at: the period's last day, or the inventory's last day before it
    when the snapshot's stock stops earlier (None: no stock at all by then).

    A constant day, not ``max(date_day)`` inside the query: DuckDB skips the row groups a
    constant rules out, while a computed day reads the 30M-row table of a medium chain whole.
    """
    found = query(
        "select exists (select 1 from marts.fct_inventory_daily where date_day = ?) as found",
        [end],
    )
    if bool(found.iloc[0]["found"]):
        return end
    latest = query(
        "select max(date_day) as day from marts.fct_inventory_daily where date_day <= ?", [end]
    ).iloc[0]["day"]
    return None if latest is None or latest != latest else pd.Timestamp(latest).date()


def position(filters: Filters) -> pd.DataFrame:
    """One row per store and product with stock at ``stock_day(filters.end)``: stock, value,
    daily demand, days of cover, last sale and the overstock's capital (only the columns the
    page shows: a medium chain has 40,000 pairs, and each text column costs their conversion)."""
    day = stock_day(filters.end)
    if day is None:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    scope = store_scope(filters)
    return query(
        f"""
        with stock as (
            select i.store_id, i.product_id, i.stock_on_hand_qty, i.stock_value_pen,
                i.unit_cost_pen, i.is_stockout
            from marts.fct_inventory_daily i
            where i.date_day = ?
        ),
        sales as (
            -- one pass over the recent daily sales: the demand rate and the last sale
            select d.store_id, d.product_id,
                sum(d.net_qty) filter (where d.date_day > ?::date - {COVER_WINDOW_DAYS})
                    / {COVER_WINDOW_DAYS} as daily_demand_qty,
                max(d.date_day) filter (where d.sold_qty > 0) as last_sale_date
            from marts.fct_daily_sales d
            where d.date_day between ?::date - {LAST_SALE_LOOKBACK_DAYS - 1} and ?
            group by all
        )
        select s.store_code, p.sku, p.product_name, p.category_name, p.abc_class,
            k.stock_on_hand_qty, k.stock_value_pen, k.unit_cost_pen, k.is_stockout,
            coalesce(m.daily_demand_qty, 0) as daily_demand_qty,
            case when coalesce(m.daily_demand_qty, 0) > 0
                then k.stock_on_hand_qty / m.daily_demand_qty end as days_of_cover,
            m.last_sale_date,
            greatest(k.stock_on_hand_qty
                - coalesce(m.daily_demand_qty, 0) * {OVERSTOCK_DAYS}, 0)
                * k.unit_cost_pen as overstock_value_pen
        from stock k
        join marts.dim_store s on s.store_id = k.store_id
        join marts.dim_product p on p.product_id = k.product_id
        left join sales m on m.store_id = k.store_id and m.product_id = k.product_id
        where {scope.where_sql} and p.is_active
        order by k.stock_value_pen desc
        """,
        [day, day, day, day, *scope.params],
    )


def stockouts_over_time(filters: Filters) -> pd.DataFrame:
    """Store-product pairs out of stock per day over the period, up to the stock's last day
    (zero on a day without any).

    Only stockout rows are read, and stores and products are joined only when a filter needs
    them: the daily stock of a medium chain is 30M rows, most of them in stock.
    """
    last = stock_day(filters.end)
    if last is None or last < filters.start:
        return pd.DataFrame(columns=["date_day", "stockouts"])
    scope = store_scope(filters)
    joins = (
        """
            join marts.dim_store s on s.store_id = i.store_id
            join marts.dim_product p on p.product_id = i.product_id"""
        if scope.params
        else ""
    )
    return query(
        f"""
        with out_of_stock as (
            select i.date_day, count(*) as stockouts
            from marts.fct_inventory_daily i{joins}
            where i.date_day between ? and ? and i.is_stockout and {scope.where_sql}
            group by 1
        )
        select d.date_day, coalesce(o.stockouts, 0) as stockouts
        from marts.dim_date d left join out_of_stock o using (date_day)
        where d.date_day between ? and ?
        order by 1
        """,
        [filters.start, last, *scope.params, filters.start, last],
    )
