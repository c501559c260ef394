with

source as (

    select * from {{ source('erp', 'payment_methods') }}

),

renamed as (

    select
        cast(code as varchar) as payment_method_code,
        cast(name as varchar) as payment_method_name

    from source

)

select * from renamed
