with

source as (

    select * from {{ source('erp', 'product_departments') }}

),

renamed as (

    select
        cast(department_id as bigint) as department_id,
        cast(name as varchar) as department_name

    from source

)

select * from renamed
