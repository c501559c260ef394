with

source as (

    select * from {{ source('erp', 'kardex') }}

),

renamed as (

    select
        cast(kardex_id as bigint) as kardex_id,
        cast(movement_date as date) as movement_date,
        cast(moved_at as timestamp with time zone) as moved_at,
        cast(store_id as bigint) as store_id,
        cast(product_id as bigint) as product_id,
        cast(operation_type as varchar) as operation_type,
        cast(doc_type as varchar) as document_type,
        cast(serie as varchar) as document_serie,
        cast(number as integer) as document_number,
        cast(source_table as varchar) as source_table,
        cast(source_id as bigint) as source_id,
        cast(quantity_in as numeric(14,3)) as in_qty,
        cast(unit_cost_in as numeric(18,6)) as in_unit_cost_pen,
        cast(total_in as numeric(14,2)) as in_value_pen,
        cast(quantity_out as numeric(14,3)) as out_qty,
        cast(unit_cost_out as numeric(18,6)) as out_unit_cost_pen,
        cast(total_out as numeric(14,2)) as out_value_pen,
        cast(balance_quantity as numeric(14,3)) as balance_qty,
        cast(balance_unit_cost as numeric(18,6)) as balance_unit_cost_pen,
        cast(balance_value as numeric(14,2)) as balance_value_pen

    from source

)

select * from renamed
