{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='movement_date',
        indexes=(
            [{'columns': ['product_id', 'store_id', 'movement_date']}]
            if target.type == 'postgres' else []
        ),
    )
}}

{#- The index serves fct_inventory_daily's as-of lookup on Postgres (macros/cross_db.sql,
    asof_left_join: one index probe per product × store × day); DuckDB's as-of join sorts both
    sides instead and needs none. #}

{#
    The kardex summed per product × store × day that has at least one movement, with the
    balance the ledger shows after the day's last movement (by kardex_id, the ledger's order).
#}

with

kardex as (

    select * from {{ ref('stg_erp__kardex') }}
    {% if is_incremental() %}
    where movement_date >= {{ incremental_start_date('movement_date') }}
    {% endif %}

),

daily as (

    select
        movement_date,
        product_id,
        store_id,
        count(*) as movements_count,
        cast(sum(in_qty) as numeric(14, 3)) as in_qty,
        cast(sum(out_qty) as numeric(14, 3)) as out_qty,
        cast(sum(in_value_pen) as numeric(14, 2)) as in_value_pen,
        cast(sum(out_value_pen) as numeric(14, 2)) as out_value_pen,
        cast(sum(case when operation_type = '01' then out_qty - in_qty else 0 end) as numeric(14, 3))
            as sold_qty,
        cast(sum(case when operation_type = '24' then in_qty - out_qty else 0 end) as numeric(14, 3))
            as customer_returned_qty,
        cast(sum(case when operation_type = '02' then in_qty - out_qty else 0 end) as numeric(14, 3))
            as purchased_qty,
        cast(sum(case when operation_type in ('05', '06', '25') then out_qty - in_qty else 0 end)
            as numeric(14, 3)) as returned_to_supplier_qty,
        cast(sum(case when operation_type = '21' then in_qty else 0 end) as numeric(14, 3))
            as transfer_in_qty,
        cast(sum(case when operation_type = '11' then out_qty else 0 end) as numeric(14, 3))
            as transfer_out_qty,
        cast(sum(case when operation_type in ('13', '14') then out_qty - in_qty else 0 end)
            as numeric(14, 3)) as shrinkage_qty,
        cast(sum(case when operation_type in ('13', '14') then out_value_pen - in_value_pen else 0 end)
            as numeric(14, 2)) as shrinkage_value_pen,
        cast(sum(case when operation_type = '28' then in_qty - out_qty else 0 end) as numeric(14, 3))
            as count_adjustment_qty,
        cast(sum(case when operation_type = '28' then in_value_pen - out_value_pen else 0 end)
            as numeric(14, 2)) as count_adjustment_value_pen,
        cast(min(balance_qty) as numeric(14, 3)) as min_balance_qty,
        cast({{ arg_max('balance_qty', 'kardex_id') }} as numeric(14, 3)) as closing_qty,
        cast({{ arg_max('balance_unit_cost_pen', 'kardex_id') }} as numeric(18, 6))
            as closing_unit_cost_pen,
        cast({{ arg_max('balance_value_pen', 'kardex_id') }} as numeric(14, 2)) as closing_value_pen
    from kardex
    group by movement_date, product_id, store_id

),

final as (

    select
        *,
        cast(closing_qty - in_qty + out_qty as numeric(14, 3)) as opening_qty
    from daily

)

select * from final
