with

source as (

    select * from {{ source('erp', 'stores') }}

),

renamed as (

    select
        cast(store_id as bigint) as store_id,
        cast(code as varchar) as store_code,
        cast(name as varchar) as store_name,
        cast(department as varchar) as department,
        cast(region as varchar) as region,
        cast(district as varchar) as district,
        cast(is_warehouse as boolean) as is_warehouse,
        cast(opened_on as date) as opened_date

    from source

)

select * from renamed
