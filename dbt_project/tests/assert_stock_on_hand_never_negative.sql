{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory_daily'}}}) }}

-- Stock on hand is never negative: not after any kardex movement, not at the close of any day,
-- not in the core's current balances.

select
    'kardex' as source,
    product_id,
    store_id,
    movement_date as as_of_date,
    balance_qty as stock_qty
from {{ ref('fct_inventory_movements') }}
where
    (balance_qty < 0 or balance_value_pen < 0)
    and {{ test_window_filter('movement_date') }}

union all

select
    'inventory_daily' as source,
    product_id,
    store_id,
    date_day as as_of_date,
    stock_on_hand_qty as stock_qty
from {{ ref('fct_inventory_daily') }}
where
    (stock_on_hand_qty < 0 or opening_stock_qty < 0 or stock_value_pen < 0)
    and {{ test_window_filter('date_day') }}

union all

select
    'stock_balances' as source,
    product_id,
    store_id,
    cast(null as date) as as_of_date,
    on_hand_qty as stock_qty
from {{ ref('stg_erp__stock_balances') }}
where on_hand_qty < 0
