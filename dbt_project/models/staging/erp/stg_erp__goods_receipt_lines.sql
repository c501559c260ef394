with

source as (

    select * from {{ source('erp', 'goods_receipt_lines') }}

),

renamed as (

    select
        cast(goods_receipt_line_id as bigint) as goods_receipt_line_id,
        cast(goods_receipt_id as bigint) as goods_receipt_id,
        cast(product_id as bigint) as product_id,
        cast(quantity as numeric(14,3)) as received_qty,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen

    from source

)

select * from renamed
