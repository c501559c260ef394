with

source as (

    select * from {{ source('erp', 'sale_payments') }}

),

renamed as (

    select
        cast(sale_payment_id as bigint) as sale_payment_id,
        cast(sale_id as bigint) as sale_id,
        cast(sale_date as date) as sale_date,
        cast(method as varchar) as payment_method_code,
        cast(amount as numeric(14,2)) as amount_pen

    from source

)

select * from renamed
