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
    movements carry the previous closing balance forward. A stockout day is a day the product is
    listed (launched, not delisted) that closes with nothing on hand (see docs/DECISIONLOG.md).

    Incremental: re-builds the trailing `incremental_lookback_days` up to the as-of date; the
    balance entering the window comes from the ledger itself, never from this table.
#}

with

{#- Read several times below, each time for a few columns or days: `not materialized` keeps
    the database from copying the whole table once first (and lets Postgres's as-of lookup use
    the table's index). #}
daily_movements as not materialized (

    select * from {{ ref('int_inventory__daily_movements') }}

),

calendar as (

    select date_day from {{ ref('dim_date') }}

),

products as (

    select product_id, listed_date, delisted_date from {{ ref('stg_erp__products') }}

),

bounds as (

    select
        {% if is_incremental() %}
        {{ incremental_start_date('date_day') }} as window_start_date,
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

{#- The last movement before the window of each pair that has one: its closing balance is the
    one the pair carries into the window. #}
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

{#- What the as-of join below searches: the window's movements and each pair's last movement
    before it, taken from the ledger (never from this table). Not the whole history: an hourly
    run would otherwise sort every movement to rebuild three days. #}
carried_movements as (

    select daily_movements.*
    from daily_movements
    cross join bounds
    where daily_movements.movement_date >= bounds.window_start_date

    union all

    select daily_movements.*
    from daily_movements
    inner join last_days_before_window
        on
            daily_movements.product_id = last_days_before_window.product_id
            and daily_movements.store_id = last_days_before_window.store_id
            and daily_movements.movement_date = last_days_before_window.movement_date

),

{#- Each day of the grid with its pair's last movement on or before it: the day's own movement,
    else the one whose closing balance the day carries. An as-of join rather than window passes
    over the grid: on the large chain (176M grid rows) three window passes took dbt past 20 GB;
    the as-of join builds the grid within DuckDB's memory limit (docs/DECISIONLOG.md). #}
last_movements as (

    select
        grid.date_day,
        grid.product_id,
        grid.store_id,
        last_movement.movement_date,
        last_movement.opening_qty,
        last_movement.in_qty,
        last_movement.out_qty,
        last_movement.sold_qty,
        last_movement.min_balance_qty,
        last_movement.closing_qty,
        last_movement.closing_unit_cost_pen,
        last_movement.closing_value_pen
    from {{ innovalogix.asof_left_join(
        'grid', 'carried_movements', 'last_movement',
        ['product_id', 'store_id'], 'date_day', 'movement_date'
    ) }}

),

{#- The day's own flows only on days with a movement; the balance on every day; whether the
    product was listed that day (launched, not yet delisted). #}
balances as (

    select
        last_movements.date_day,
        last_movements.product_id,
        last_movements.store_id,
        (products.listed_date is null or last_movements.date_day >= products.listed_date)
        and (products.delisted_date is null or last_movements.date_day < products.delisted_date)
            as is_listed,
        coalesce(movement_date = date_day, false) as has_movement,
        case when movement_date = date_day then opening_qty end as opening_qty,
        case when movement_date = date_day then in_qty end as in_qty,
        case when movement_date = date_day then out_qty end as out_qty,
        case when movement_date = date_day then sold_qty end as sold_qty,
        case when movement_date = date_day then min_balance_qty end as min_balance_qty,
        closing_qty as stock_on_hand_qty,
        closing_unit_cost_pen as unit_cost_pen,
        closing_value_pen as stock_value_pen
    from last_movements
    inner join products
        on last_movements.product_id = products.product_id

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
        is_listed,
        is_listed and stock_on_hand_qty <= 0 as is_stockout,
        is_listed
        and coalesce(opening_qty <= 0 or min_balance_qty <= 0, stock_on_hand_qty <= 0)
            as has_stockout_during_day
    from balances

)

{#- Stored in day order, so a reader's filter on days skips the other days' row groups (DuckDB's
    zone maps: the dashboards' latest-day and recent-window reads); each incremental run deletes
    its trailing days and appends them, in the same order, at the end. #}
select * from final
order by date_day, store_id, product_id
