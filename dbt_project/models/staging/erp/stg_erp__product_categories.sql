with

source as (

    select * from {{ source('erp', 'product_categories') }}

),

renamed as (

    select
        cast(category_id as bigint) as category_id,
        cast(department_id as bigint) as department_id,
        cast(name as varchar) as category_name

    from source

)

select * from renamed
