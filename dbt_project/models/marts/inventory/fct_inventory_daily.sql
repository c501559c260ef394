{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='date_day',
    )
}}

{#
    Stock on hand and its value per product × store × day, from the day of the pair's first
    kardex movement to the last day the kardex holds (the warehouse's as-of date). Days without
    movements carry the previous closing balance forward. A stockout day is a day that closes
    with nothing on hand (see docs/DECISIONLOG.md).

    Incremental: re-builds the trailing `incremental_lookback_days` up to the as-of date; the
    balance entering the window comes from the ledger itself, never from this table.
#}

with

{#- Read four times below, each time for a few columns or days: `not materialized` keeps the
    database from copying the whole table once first. #}
daily_movements as not materialized (

    select * from {{ ref('int_inventory__daily_movements') }}

),

calendar as (

    select date_day from {{ ref('dim_date') }}

),

bounds as (

    select
        {% if is_incremental() %}
        coalesce(
            {{ incremental_start_date('date_day') }},
            min(movement_date)
        ) as window_start_date,
        {% else %}
        min(movement_date) as window_start_date,
        {% endif %}
        max(movement_date) as window_end_date
    from daily_movements

),

pairs as (

    select
        product_id,
        store_id,
        min(movement_date) as first_movement_date
    from daily_movements
    group by product_id, store_id

),

spine as (

    select calendar.date_day
    from calendar
    cross join bounds
    where calendar.date_day between bounds.window_start_date and bounds.window_end_date

),

grid as (

    select
        pairs.product_id,
        pairs.store_id,
        spine.date_day
    from pairs
    inner join spine
        on spine.date_day >= pairs.first_movement_date

),

window_movements as (

    select daily_movements.*
    from daily_movements
    cross join bounds
    where daily_movements.movement_date >= bounds.window_start_date

),

{#- The balance each pair carries into the window: its last closing before the window starts. #}
last_days_before_window as (

    select
        daily_movements.product_id,
        daily_movements.store_id,
        max(daily_movements.movement_date) as movement_date
    from daily_movements
    cross join bounds
    where daily_movements.movement_date < bounds.window_start_date
    group by daily_movements.product_id, daily_movements.store_id

),

prior_balances as (

    select
        daily_movements.product_id,
        daily_movements.store_id,
        daily_movements.closing_qty,
        daily_movements.closing_unit_cost_pen,
        daily_movements.closing_value_pen
    from daily_movements
    inner join last_days_before_window
        on
            daily_movements.product_id = last_days_before_window.product_id
            and daily_movements.store_id = last_days_before_window.store_id
            and daily_movements.movement_date = last_days_before_window.movement_date

),

joined as (

    select
        grid.product_id,
        grid.store_id,
        grid.date_day,
        window_movements.movement_date is not null as has_movement,
        window_movements.opening_qty,
        window_movements.in_qty,
        window_movements.out_qty,
        window_movements.sold_qty,
        window_movements.min_balance_qty,
        window_movements.closing_qty,
        window_movements.closing_unit_cost_pen,
        window_movements.closing_value_pen,
        count(window_movements.movement_date) over (
            partition by grid.product_id, grid.store_id
            order by grid.date_day
            rows between unbounded preceding and current row
        ) as balance_group
    from grid
    left join window_movements
        on
            grid.product_id = window_movements.product_id
            and grid.store_id = window_movements.store_id
            and grid.date_day = window_movements.movement_date

),

filled as (

    select
        joined.*,
        first_value(joined.closing_qty) over (
            partition by joined.product_id, joined.store_id, joined.balance_group
            order by joined.date_day
        ) as carried_qty,
        first_value(joined.closing_unit_cost_pen) over (
            partition by joined.product_id, joined.store_id, joined.balance_group
            order by joined.date_day
        ) as carried_unit_cost_pen,
        first_value(joined.closing_value_pen) over (
            partition by joined.product_id, joined.store_id, joined.balance_group
            order by joined.date_day
        ) as carried_value_pen
    from joined

),

balances as (

    select
        filled.date_day,
        filled.product_id,
        filled.store_id,
        filled.has_movement,
        filled.opening_qty,
        filled.in_qty,
        filled.out_qty,
        filled.sold_qty,
        filled.min_balance_qty,
        case
            when filled.balance_group > 0 then filled.carried_qty else prior_balances.closing_qty
        end as stock_on_hand_qty,
        case
            when filled.balance_group > 0 then filled.carried_unit_cost_pen
            else prior_balances.closing_unit_cost_pen
        end as unit_cost_pen,
        case
            when filled.balance_group > 0 then filled.carried_value_pen
            else prior_balances.closing_value_pen
        end as stock_value_pen
    from filled
    left join prior_balances
        on
            filled.product_id = prior_balances.product_id
            and filled.store_id = prior_balances.store_id

),

final as (

    select
        date_day,
        product_id,
        store_id,
        cast(coalesce(opening_qty, stock_on_hand_qty) as numeric(14, 3)) as opening_stock_qty,
        cast(coalesce(in_qty, 0) as numeric(14, 3)) as in_qty,
        cast(coalesce(out_qty, 0) as numeric(14, 3)) as out_qty,
        cast(coalesce(sold_qty, 0) as numeric(14, 3)) as sold_qty,
        cast(stock_on_hand_qty as numeric(14, 3)) as stock_on_hand_qty,
        cast(unit_cost_pen as numeric(18, 6)) as unit_cost_pen,
        cast(stock_value_pen as numeric(14, 2)) as stock_value_pen,
        has_movement,
        stock_on_hand_qty <= 0 as is_stockout,
        coalesce(opening_qty <= 0 or min_balance_qty <= 0, stock_on_hand_qty <= 0)
            as has_stockout_during_day
    from balances

)

select * from final
