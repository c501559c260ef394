{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='movement_date',
    )
}}

{# The valued kardex (PLE 13.1), one row per movement, with SUNAT names and signed quantities. #}

with

kardex as (

    select * from {{ ref('stg_erp__kardex') }}
    {% if is_incremental() %}
    where movement_date >= {{ incremental_start_date('movement_date') }}
    {% endif %}

),

operation_types as (

    select * from {{ ref('sunat_operation_types') }}

),

final as (

    select
        kardex.kardex_id,
        kardex.movement_date,
        kardex.moved_at,
        {{ month_start('kardex.movement_date') }} as period_start_date,
        kardex.store_id,
        kardex.product_id,
        kardex.operation_type,
        operation_types.operation_name,
        operation_types.movement_class,
        case when kardex.in_qty > 0 then 'in' else 'out' end as movement_direction,
        kardex.document_type,
        kardex.document_serie,
        kardex.document_number,
        kardex.source_table,
        kardex.source_id,
        kardex.in_qty,
        kardex.in_unit_cost_pen,
        kardex.in_value_pen,
        kardex.out_qty,
        kardex.out_unit_cost_pen,
        kardex.out_value_pen,
        cast(kardex.in_qty - kardex.out_qty as numeric(14, 3)) as signed_qty,
        cast(kardex.in_value_pen - kardex.out_value_pen as numeric(14, 2)) as signed_value_pen,
        kardex.balance_qty,
        kardex.balance_unit_cost_pen,
        kardex.balance_value_pen
    from kardex
    left join operation_types
        on kardex.operation_type = operation_types.operation_type

)

select * from final
