-- The kardex balance after every movement equals the cumulative sum of the movements of its
-- product × store in ledger order (quantity and value), starting from zero. Fails when a
-- movement is missing from the warehouse or a balance was written wrong.
--
-- Checked step by step, which is the same thing: every balance is the previous balance of its
-- product × store in ledger order (zero before the first movement) plus the movement. So the
-- hourly refresh can check only the movements from the first one of its test window on (by
-- kardex_id, the ledger's order; macros/test_window.sql), each against the balance before it,
-- wherever that lies; without a window every movement is checked.

with

movements as (

    select
        kardex_id,
        product_id,
        store_id,
        movement_date,
        in_qty,
        out_qty,
        in_value_pen,
        out_value_pen,
        balance_qty,
        balance_value_pen
    from {{ ref('fct_inventory_movements') }}

),

first_checked as (

    select min(kardex_id) as kardex_id
    from movements
    where {{ test_window_filter('movement_date') }}

),

checked as (

    select movements.*
    from movements
    inner join first_checked
        on movements.kardex_id >= first_checked.kardex_id

),

{#- The last movement of each product × store before the checked ones opens its balance. #}
last_before_checked as (

    select
        movements.product_id,
        movements.store_id,
        max(movements.kardex_id) as kardex_id
    from movements
    inner join first_checked
        on movements.kardex_id < first_checked.kardex_id
    group by movements.product_id, movements.store_id

),

openings as (

    select
        movements.product_id,
        movements.store_id,
        movements.balance_qty,
        movements.balance_value_pen
    from movements
    inner join last_before_checked
        on movements.kardex_id = last_before_checked.kardex_id

),

stepped as (

    select
        checked.*,
        row_number() over pair_ledger as step,
        lag(checked.balance_qty) over pair_ledger as previous_qty,
        lag(checked.balance_value_pen) over pair_ledger as previous_value_pen
    from checked
    window pair_ledger as (
        partition by checked.product_id, checked.store_id
        order by checked.kardex_id
    )

),

expected as (

    select
        stepped.kardex_id,
        stepped.product_id,
        stepped.store_id,
        stepped.movement_date,
        stepped.balance_qty,
        stepped.balance_value_pen,
        case when stepped.step = 1 then coalesce(openings.balance_qty, 0) else stepped.previous_qty end
        + stepped.in_qty - stepped.out_qty as cumulative_qty,
        case
            when stepped.step = 1 then coalesce(openings.balance_value_pen, 0)
            else stepped.previous_value_pen
        end
        + stepped.in_value_pen - stepped.out_value_pen as cumulative_value_pen
    from stepped
    left join openings
        on
            stepped.product_id = openings.product_id
            and stepped.store_id = openings.store_id

)

select *
from expected
where
    balance_qty <> cumulative_qty
    or balance_value_pen <> cumulative_value_pen
