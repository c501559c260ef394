with

source as (

    select * from {{ source('erp', 'purchase_order_lines') }}

),

renamed as (

    select
        cast(purchase_order_line_id as bigint) as purchase_order_line_id,
        cast(purchase_order_id as bigint) as purchase_order_id,
        cast(product_id as bigint) as product_id,
        cast(quantity as numeric(14,3)) as ordered_qty,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen

    from source

)

select * from renamed
