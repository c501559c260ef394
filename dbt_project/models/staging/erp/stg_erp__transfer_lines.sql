with

source as (

    select * from {{ source('erp', 'transfer_lines') }}

),

renamed as (

    select
        cast(transfer_line_id as bigint) as transfer_line_id,
        cast(transfer_id as bigint) as transfer_id,
        cast(product_id as bigint) as product_id,
        cast(quantity as numeric(14,3)) as transferred_qty,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen,
        cast(cost_amount as numeric(14,2)) as cost_pen

    from source

)

select * from renamed
