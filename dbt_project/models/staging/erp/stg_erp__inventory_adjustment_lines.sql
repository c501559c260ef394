with

source as (

    select * from {{ source('erp', 'inventory_adjustment_lines') }}

),

renamed as (

    select
        cast(adjustment_line_id as bigint) as adjustment_line_id,
        cast(adjustment_id as bigint) as adjustment_id,
        cast(product_id as bigint) as product_id,
        cast(quantity_delta as numeric(14,3)) as delta_qty,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen,
        cast(cost_amount as numeric(14,2)) as cost_pen

    from source

)

select * from renamed
