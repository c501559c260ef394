with

source as (

    select * from {{ source('erp', 'products') }}

),

renamed as (

    select
        cast(product_id as bigint) as product_id,
        cast(sku as varchar) as sku,
        cast(name as varchar) as product_name,
        cast(brand as varchar) as brand,
        cast(subcategory_id as bigint) as subcategory_id,
        cast(supplier_id as bigint) as supplier_id,
        cast(unit_of_measure as varchar) as unit_of_measure,
        cast(list_price as numeric(14,2)) as list_price_pen,
        cast(igv_affectation as varchar) as igv_affectation,
        cast(pack_size as integer) as pack_size,
        cast(is_active as boolean) as is_active,
        cast(created_at as timestamp with time zone) as created_at,
        cast(listed_on as date) as listed_date,
        cast(delisted_on as date) as delisted_date,
        cast(min_order_qty as integer) as min_order_qty

    from source

)

select * from renamed
