-- The kardex balance after every movement equals the cumulative sum of the movements of its
-- product × store in ledger order (quantity and value), starting from zero. Fails when a
-- movement is missing from the warehouse or a balance was written wrong.

with

movements as (

    select * from {{ ref('fct_inventory_movements') }}

),

running as (

    select
        kardex_id,
        product_id,
        store_id,
        movement_date,
        balance_qty,
        balance_value_pen,
        sum(in_qty - out_qty) over (
            partition by product_id, store_id
            order by kardex_id
            rows between unbounded preceding and current row
        ) as cumulative_qty,
        sum(in_value_pen - out_value_pen) over (
            partition by product_id, store_id
            order by kardex_id
            rows between unbounded preceding and current row
        ) as cumulative_value_pen
    from movements

)

select *
from running
where
    balance_qty <> cumulative_qty
    or balance_value_pen <> cumulative_value_pen
