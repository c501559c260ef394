with

source as (

    select * from {{ source('erp', 'return_lines') }}

),

renamed as (

    select
        cast(return_line_id as bigint) as return_line_id,
        cast(return_id as bigint) as return_id,
        cast(sale_line_id as bigint) as sale_line_id,
        cast(product_id as bigint) as product_id,
        cast(quantity as numeric(14,3)) as returned_qty,
        cast(taxable_amount as numeric(14,2)) as taxable_pen,
        cast(igv_amount as numeric(14,2)) as igv_pen,
        cast(line_total as numeric(14,2)) as line_total_pen,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen,
        cast(cost_amount as numeric(14,2)) as cost_pen

    from source

)

select * from renamed
