{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory_daily'}}}) }}

{{ config(severity='warn') }}
-- On the warehouse's as-of date, the stock on hand of every product × store equals the core's
-- current stock_balances. A warning, not an error: the two are extracted at slightly different
-- moments, so movements recorded after the kardex was copied show up here first.

with

inventory_daily as (

    select * from {{ ref('fct_inventory_daily') }}
    -- the as-of date is the latest day, inside any test window
    where {{ test_window_filter('date_day') }}

),

as_of as (

    select max(date_day) as as_of_date from inventory_daily

),

closing as (

    select
        inventory_daily.product_id,
        inventory_daily.store_id,
        inventory_daily.stock_on_hand_qty,
        inventory_daily.stock_value_pen
    from inventory_daily
    inner join as_of
        on inventory_daily.date_day = as_of.as_of_date

),

balances as (

    select * from {{ ref('stg_erp__stock_balances') }}
    where on_hand_qty <> 0 or stock_value_pen <> 0

)

select
    coalesce(closing.product_id, balances.product_id) as product_id,
    coalesce(closing.store_id, balances.store_id) as store_id,
    closing.stock_on_hand_qty,
    balances.on_hand_qty,
    closing.stock_value_pen,
    balances.stock_value_pen as balance_value_pen
from closing
full outer join balances
    on
        closing.product_id = balances.product_id
        and closing.store_id = balances.store_id
where
    coalesce(closing.stock_on_hand_qty, 0) <> coalesce(balances.on_hand_qty, 0)
    or coalesce(closing.stock_value_pen, 0) <> coalesce(balances.stock_value_pen, 0)
