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


def last_stock_day(end) -> dt.date | None:
    """The inventory's last day up to ``end`` (None: no stock by then): a stock that stops
    before the period's last day is read at its own last day."""
    latest = query(
        "select max(date_day) as day from marts.fct_inventory_daily where date_day <= ?", [end]
    ).iloc[0]["day"]
    return None if latest is None or latest != latest else pd.Timestamp(latest).date()


POSITION_MART = "mart_stock_position"  # the as-of day's stock, demand and last sale, built nightly


def position(filters: Filters) -> tuple[dt.date | None, pd.DataFrame]:
    """The day stock is read at and one row per store and product with stock that day: ids,
    stock, value, daily demand, days of cover, last sale and the overstock's capital (no labels:
    a medium chain has 40,000 pairs, and their text columns' conversion was most of the query;
    ``labelled`` names the rows a table shows).

    The period's last day is tried first, as a constant: DuckDB skips the row groups a constant
    rules out, and a computed ``max(date_day)`` would read the 30M rows of a medium chain's
    daily stock once more. Only when that day has no stock is the inventory's last day looked
    for. The as-of day itself is read from ``mart_stock_position`` when the snapshot has it.
    """
    mart_day = _mart_day()
    if mart_day is not None and mart_day == filters.end:
        return mart_day, _position_from_mart(filters)
    frame = _position_at(filters, filters.end)
    if not frame.empty:
        return filters.end, frame
    day = last_stock_day(filters.end)
    if day is None or day == filters.end:
        return day, frame
    if day == mart_day:
        return day, _position_from_mart(filters)
    return day, _position_at(filters, day)


def _mart_day() -> dt.date | None:
    from dashboards.warehouse import has_table

    if not has_table("marts", POSITION_MART):
        return None
    day = query(f"select max(date_day) as day from marts.{POSITION_MART}").iloc[0]["day"]
    return None if pd.isna(day) else pd.Timestamp(day).date()


def _measured(source: str, filters: Filters, params: list) -> pd.DataFrame:
    """Cover and overstock of each pair of ``source`` (stock and demand per store and product)
    in the filters' stores and active products, the most valuable first."""
    scope = store_scope(filters)
    return query(
        f"""
        with position as ({source})
        select k.store_id, k.product_id,
            k.stock_on_hand_qty, k.stock_value_pen, k.unit_cost_pen, k.is_stockout,
            coalesce(k.daily_demand_qty, 0) as daily_demand_qty,
            case when coalesce(k.daily_demand_qty, 0) > 0
                then k.stock_on_hand_qty / k.daily_demand_qty end as days_of_cover,
            k.last_sale_date,
            greatest(k.stock_on_hand_qty
                - coalesce(k.daily_demand_qty, 0) * {OVERSTOCK_DAYS}, 0)
                * k.unit_cost_pen as overstock_value_pen
        from position k
        join marts.dim_store s on s.store_id = k.store_id
        join marts.dim_product p on p.product_id = k.product_id
        where {scope.where_sql} and p.is_active
        order by k.stock_value_pen desc, k.store_id, k.product_id
        """,
        [*params, *scope.params],
    )


def _position_from_mart(filters: Filters) -> pd.DataFrame:
    return _measured(
        f"""
        select store_id, product_id, stock_on_hand_qty, stock_value_pen, unit_cost_pen,
            is_stockout, daily_demand_qty, last_sale_date
        from marts.{POSITION_MART}
        """,
        filters,
        [],
    )


def _position_at(filters: Filters, day: dt.date) -> pd.DataFrame:
    """The same position for any day, from the daily stock and the daily sales (the mart's
    definitions: 28 days of demand, the last sale within 180 days)."""
    return _measured(
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
        select k.*, m.daily_demand_qty, m.last_sale_date
        from stock k
        left join sales m on m.store_id = k.store_id and m.product_id = k.product_id
        """,
        filters,
        [day, day, day, day],
    )


LABELS = ("store_code", "sku", "product_name", "category_name", "abc_class")


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows (with ``store_id`` and ``product_id``) named: store code, SKU, product,
    category and ABC class; for the rows a table shows, in their order."""
    stores = query("select store_id, store_code from marts.dim_store")
    products = query(
        "select product_id, sku, product_name, category_name, abc_class from marts.dim_product"
    )
    return frame.merge(stores, on="store_id", how="left").merge(
        products, on="product_id", how="left"
    )


def stockouts_over_time(filters: Filters) -> pd.DataFrame:
    """Store-product pairs out of stock per day over the period (the days the stock covers).

    Stores and products are joined only when a filter needs them: the daily stock of a medium
    chain is 30M rows, and the joins doubled the query's time.
    """
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
        select i.date_day, count(*) filter (where i.is_stockout) as stockouts
        from marts.fct_inventory_daily i{joins}
        where i.date_day between ? and ? and {scope.where_sql}
        group by 1
        order by 1
        """,
        [filters.start, filters.end, *scope.params],
    )
