with

source as (

    select * from {{ source('erp', 'sale_lines') }}

),

renamed as (

    select
        cast(sale_line_id as bigint) as sale_line_id,
        cast(sale_id as bigint) as sale_id,
        cast(sale_date as date) as sale_date,
        cast(line_no as smallint) as line_number,
        cast(store_id as bigint) as store_id,
        cast(product_id as bigint) as product_id,
        cast(quantity as numeric(14,3)) as sold_qty,
        cast(list_price as numeric(14,2)) as list_price_pen,
        cast(unit_price as numeric(14,2)) as unit_price_pen,
        cast(discount_amount as numeric(14,2)) as discount_pen,
        cast(promotion_id as bigint) as promotion_id,
        cast(igv_affectation as varchar) as igv_affectation,
        cast(taxable_amount as numeric(14,2)) as taxable_pen,
        cast(igv_amount as numeric(14,2)) as igv_pen,
        cast(line_total as numeric(14,2)) as line_total_pen,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen,
        cast(cost_amount as numeric(14,2)) as cost_pen

    from source

)

select * from renamed
