with

source as (

    select * from {{ source('erp', 'product_subcategories') }}

),

renamed as (

    select
        cast(subcategory_id as bigint) as subcategory_id,
        cast(category_id as bigint) as category_id,
        cast(name as varchar) as subcategory_name

    from source

)

select * from renamed
