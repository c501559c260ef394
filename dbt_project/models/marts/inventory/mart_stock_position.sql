{{ config(materialized='table') }}

{#
    Each store × product's stock at the warehouse's as-of date (the daily stock's latest day),
    beside the demand and the last sale that Salud del stock reads with it: the average daily
    net units over the last 28 days and the latest day with units sold within 180 days (none
    older). About 42,000 rows on a medium chain, where the same read at page time scanned 180
    days of fct_daily_sales on every visit. The dashboards compute cover and overstock from it
    (dashboards/queries/stock.py, which reads any other day from the facts the same way).
#}

with

as_of as (

    select max(date_day) as date_day from {{ ref('fct_inventory_daily') }}

),

stock as (

    select
        inventory.date_day,
        inventory.store_id,
        inventory.product_id,
        inventory.stock_on_hand_qty,
        inventory.stock_value_pen,
        inventory.unit_cost_pen,
        inventory.is_stockout
    from {{ ref('fct_inventory_daily') }} as inventory
    inner join as_of
        on inventory.date_day = as_of.date_day

),

sales as (

    select
        daily.store_id,
        daily.product_id,
        sum(case when daily.date_day > as_of.date_day - 28 then daily.net_qty end) / 28
            as daily_demand_qty,
        max(case when daily.sold_qty > 0 then daily.date_day end) as last_sale_date
    from {{ ref('fct_daily_sales') }} as daily
    cross join as_of
    where daily.date_day between as_of.date_day - 179 and as_of.date_day
    group by daily.store_id, daily.product_id

)

select
    stock.date_day,
    stock.store_id,
    stock.product_id,
    stock.stock_on_hand_qty,
    stock.stock_value_pen,
    stock.unit_cost_pen,
    stock.is_stockout,
    coalesce(sales.daily_demand_qty, 0) as daily_demand_qty,
    sales.last_sale_date
from stock
left join sales
    on
        stock.store_id = sales.store_id
        and stock.product_id = sales.product_id
order by stock.store_id, stock.product_id
