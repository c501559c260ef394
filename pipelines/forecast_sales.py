"""The nightly forecast valued in soles per store × category × day (``ml.fct_forecast_sales``).

``ml.fct_forecast`` holds units per product × store × day (2.1M rows on the medium chain).
Valuing them when a page opens meant a hash join of every row with the products' prices on
every visit (200-300 ms, over the dashboards' 100 ms per query). Valued once here, right after
the forecast is written, the pages read a few thousand rows.

Each product's units are valued at its own net price and margin per unit in that store over
the last ``PRICE_WINDOW_DAYS`` days of daily sales up to the sales' last day (a product with no
net units there has no price: its units count, its soles do not). Bands are summed as the
pages show them: the sum of the P10s, not the P10 of the sum.
"""

from __future__ import annotations

import duckdb
import pandas as pd

DETAIL_LEVEL = "product_store_day"
PRICE_WINDOW_DAYS = 91  # 13 weeks of each product's net price and margin per unit, per store

# Each store × product's net price and margin per unit over the window ending on the day given
# (twice); the pages value units with it too when a snapshot predates the valued table.
UNIT_PRICES = f"""
    select store_id, product_id,
        sum(net_sales_pen) / nullif(sum(net_qty), 0) as unit_net_pen,
        sum(margin_pen) / nullif(sum(net_qty), 0) as unit_margin_pen
    from marts.fct_daily_sales
    where date_day > ?::date - {PRICE_WINDOW_DAYS} and date_day <= ?::date
    group by all
"""

VALUED = f"""
with price as ({UNIT_PRICES})
select f.store_id, p.category_id, p.category_name, f.ds::date as forecast_date,
    sum(f.p10) as p10_qty,
    sum(f.p50) as p50_qty,
    sum(f.p90) as p90_qty,
    sum(f.p10 * pr.unit_net_pen) as net_sales_p10_pen,
    sum(f.p50 * pr.unit_net_pen) as net_sales_p50_pen,
    sum(f.p90 * pr.unit_net_pen) as net_sales_p90_pen,
    sum(f.p50 * pr.unit_margin_pen) as margin_p50_pen,
    ?::date as priced_through_date,
    min(f.model_version) as model_version
from ml.fct_forecast f
join marts.dim_store s on s.store_id = f.store_id
join marts.dim_product p on p.product_id = f.product_id
left join price pr on pr.store_id = f.store_id and pr.product_id = f.product_id
where f.level = '{DETAIL_LEVEL}'
group by f.store_id, p.category_id, p.category_name, f.ds
order by forecast_date, f.store_id, p.category_id
"""


def valued_forecast(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The forecast's daily detail valued and summed per store, category and day (no rows: no
    forecast, or no sales to price it with)."""
    last = con.execute("select max(date_day) from marts.fct_daily_sales").fetchone()[0]
    if last is None:
        return con.execute(f"{VALUED} limit 0", [None, None, None]).df()
    return con.execute(VALUED, [last, last, last]).df()
