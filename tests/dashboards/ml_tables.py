"""Model outputs shaped as the ML tables contract says, derived from the demo chain's marts, for
the pages that read ``ml.*`` (the nightly models take minutes; these take milliseconds).

Columns follow what the ML library writes: ``ml.inventory.plan`` (restock, transfers),
``ml.segmentation.model`` (segments, dim_segment), ``ml.customer_value`` (value),
``ml.forecasting.api`` (p10/p50/p90 by store and category).
"""

from __future__ import annotations

import duckdb

FORECAST = """
create or replace table ml.fct_forecast as
with weekly as (
    select l.store_id, p.category_id, date_trunc('week', l.transaction_date) as week,
        sum(l.net_sales_pen) as net, sum(l.margin_pen) as margin
    from marts.fct_sales_lines l join marts.dim_product p using (product_id)
    group by all
),
recent as (
    select store_id, category_id, avg(net) as net, avg(margin) as margin
    from weekly
    where week >= (select max(week) from weekly) - interval 28 day
    group by all
),
ahead as (
    select unnest(range(1, 9)) as step
)
select r.store_id, r.category_id,
    (select max(transaction_date) from marts.fct_sales_lines) + cast(7 * a.step - 6 as integer)
        as week_start_date,
    round(r.net * 0.8, 2) as net_sales_p10_pen,
    round(r.net, 2) as net_sales_p50_pen,
    round(r.net * 1.25, 2) as net_sales_p90_pen,
    round(r.margin, 2) as margin_p50_pen,
    'lightgbm' as model
from recent r, ahead a
"""

ACCURACY = """
create or replace table ml.fct_forecast_accuracy as
select * from (values
    ('lightgbm', 0.21, 0.74, -0.02, 0.11, 0.88),
    ('seasonal_naive', 0.29, 1.0, 0.01, 0.14, 0.83)
) t(model, wape, mase, bias, coverage_p10, coverage_p90)
"""

SEGMENTS = """
create or replace table ml.fct_customer_segments as
select customer_id, customer_pseudonym,
    ntile(3) over (order by purchases_count, customer_id) as segment_id,
    case ntile(3) over (order by purchases_count, customer_id)
        when 1 then 'Ocasionales' when 2 then 'Leales' else 'Campeones' end as segment_name,
    0.0 as kmeans_distance,
    case when customer_id % 17 = 0 then -1 else 0 end as dbscan_label,
    customer_id % 17 = 0 as is_outlier
from marts.dim_customer
"""

SEGMENT_DIM = """
create or replace table ml.dim_segment as
select segment_id, any_value(segment_name) as segment_name,
    'perfil de ' || any_value(segment_name) as profile,
    count(*) as size,
    'Campaña para ' || any_value(segment_name) as suggested_campaign
from ml.fct_customer_segments group by segment_id
"""

VALUE = """
create or replace table ml.fct_customer_value as
select customer_id, 0.8 as p_alive, purchases_count * 0.1 as expected_purchases,
    purchases_count * 12.5 as expected_spend
from marts.dim_customer
"""

ASSOCIATIONS = """
create or replace table ml.fct_product_associations as
with baskets as (
    select distinct sale_id, product_id from marts.fct_sales_lines where not is_return
),
pairs as (
    select a.product_id as antecedent_product_id, b.product_id as consequent_product_id,
        count(*) as together
    from baskets a join baskets b on a.sale_id = b.sale_id and a.product_id <> b.product_id
    group by all
)
select antecedent_product_id, consequent_product_id,
    together / (select count(distinct sale_id) from baskets) as support,
    0.5 as confidence, 1.0 + together / 1000.0 as lift
from pairs order by together desc limit 100
"""

RECOMMENDATIONS = """
create or replace table ml.fct_customer_recommendations as
select s.customer_pseudonym, p.product_id, p.product_name, r.rank, 1.0 / r.rank as score
from ml.fct_customer_segments s,
    (select unnest(range(1, 4)) as rank) r,
    marts.dim_product p
where p.product_id = (s.customer_id + r.rank) % 50 + 1
"""

RESTOCK = """
create or replace table ml.fct_restock_recommendations as
with last as (
    select i.*, (select max(date_day) from marts.fct_inventory_daily) as as_of_date
    from marts.fct_inventory_daily i
    where i.date_day = (select max(date_day) from marts.fct_inventory_daily)
)
select l.as_of_date,
    row_number() over (order by l.stock_on_hand_qty, l.product_id, l.store_id) as priority_rank,
    l.product_id, p.sku, p.product_name, p.category_name, l.store_id, s.store_code,
    p.supplier_id, p.supplier_name, 'proveedor' as replenished_from,
    l.stock_on_hand_qty as on_hand_qty, 20.0 as reorder_point_qty,
    greatest(20 - l.stock_on_hand_qty, 0) + 10 as order_qty, 1 as order_packs, 1 as pack_size,
    l.unit_cost_pen,
    round((greatest(20 - l.stock_on_hand_qty, 0) + 10) * l.unit_cost_pen, 2) as order_value_pen,
    l.stock_on_hand_qty / 2.0 as days_of_cover,
    case when l.stock_on_hand_qty < 10
        then l.as_of_date + cast(floor(l.stock_on_hand_qty) as integer)
    end as projected_stockout_date,
    l.stock_on_hand_qty < 3 as runs_out_before_delivery,
    0.0 as margin_at_risk_pen,
    'Stock ' || l.stock_on_hand_qty || ' bajo el punto de pedido 20' as why
from last l
join marts.dim_store s using (store_id)
join marts.dim_product p using (product_id)
where not s.is_warehouse
"""

TRANSFERS = """
create or replace table ml.fct_transfer_suggestions as
select as_of_date, product_id, sku, product_name, category_name,
    (select min(store_id) from marts.dim_store where is_warehouse) as from_store_id,
    store_id as to_store_id, 5.0 as transfer_qty, 'rebalance' as kind,
    unit_cost_pen, 5 * unit_cost_pen as transfer_value_pen, 0.0 as margin_at_risk_pen,
    'Cubre el quiebre proyectado' as why
from ml.fct_restock_recommendations where runs_out_before_delivery
"""

SCORECARD = """
create or replace table ml.fct_supplier_scorecard as
select supplier_id, 0.95 as fill_rate, lead_time_days as lead_time_mean_days,
    0.9 as on_time_share
from marts.dim_supplier
"""

STATEMENTS = (
    FORECAST,
    ACCURACY,
    SEGMENTS,
    SEGMENT_DIM,
    VALUE,
    ASSOCIATIONS,
    RECOMMENDATIONS,
    RESTOCK,
    TRANSFERS,
    SCORECARD,
)


def add_ml_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ml")
    for statement in STATEMENTS:
        con.execute(statement)
