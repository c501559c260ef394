"""Stock health from the marts: stockouts, days of cover, overstock and slow movers at the end
of the chosen period, in the stores and categories the filters keep."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.scope import store_scope
from dashboards.warehouse import query

COVER_WINDOW_DAYS = 28  # demand rate: average daily units sold over the last 4 weeks
OVERSTOCK_DAYS = 90  # more than this many days of cover is overstock
SLOW_DAYS = 60  # stock on hand and nothing sold for this long: slow mover
LAST_SALE_LOOKBACK_DAYS = 180  # the last sale is looked for within 6 months (older: none)


def position(filters: Filters) -> pd.DataFrame:
    """One row per store and product with stock at the period's last day: stock, value, daily
    demand, days of cover, last sale, and the overstock's quantity and capital."""
    scope = store_scope(filters)
    return query(
        f"""
        with last_day as (
            select least(?::date, max(date_day)) as day from marts.fct_inventory_daily
        ),
        stock as (
            select i.store_id, i.product_id, i.stock_on_hand_qty, i.stock_value_pen,
                i.unit_cost_pen, i.is_stockout
            from marts.fct_inventory_daily i, last_day
            where i.date_day = last_day.day
        ),
        sales as (
            -- one pass over the recent daily sales: the demand rate and the last sale
            select d.store_id, d.product_id,
                sum(d.net_qty) filter (where d.date_day > last_day.day - {COVER_WINDOW_DAYS})
                    / {COVER_WINDOW_DAYS} as daily_demand_qty,
                max(d.date_day) filter (where d.sold_qty > 0) as last_sale_date
            from marts.fct_daily_sales d, last_day
            where d.date_day <= last_day.day
                and d.date_day > last_day.day - {LAST_SALE_LOOKBACK_DAYS}
            group by all
        )
        select s.store_code, s.store_name, p.sku, p.product_name, p.department_name,
            p.category_name, p.supplier_name, p.abc_class,
            k.stock_on_hand_qty, k.stock_value_pen, k.unit_cost_pen, k.is_stockout,
            coalesce(m.daily_demand_qty, 0) as daily_demand_qty,
            case when coalesce(m.daily_demand_qty, 0) > 0
                then k.stock_on_hand_qty / m.daily_demand_qty end as days_of_cover,
            m.last_sale_date,
            (select day from last_day) as as_of_date,
            greatest(k.stock_on_hand_qty
                - coalesce(m.daily_demand_qty, 0) * {OVERSTOCK_DAYS}, 0) as overstock_qty,
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
        [filters.end, *scope.params],
    )


def stockouts_over_time(filters: Filters) -> pd.DataFrame:
    """Store-product pairs out of stock per day over the period."""
    scope = store_scope(filters)
    return query(
        f"""
        select i.date_day, count(*) filter (where i.is_stockout) as stockouts
        from marts.fct_inventory_daily i
        join marts.dim_store s on s.store_id = i.store_id
        join marts.dim_product p on p.product_id = i.product_id
        where i.date_day between ? and ? and {scope.where_sql}
        group by 1 order by 1
        """,
        [filters.start, filters.end, *scope.params],
    )
