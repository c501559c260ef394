with

source as (

    select * from {{ source('erp', 'purchase_orders') }}

),

renamed as (

    select
        cast(purchase_order_id as bigint) as purchase_order_id,
        cast(supplier_id as bigint) as supplier_id,
        cast(store_id as bigint) as store_id,
        cast(ordered_on as date) as ordered_date,
        cast(expected_on as date) as expected_date,
        cast(status as varchar) as purchase_order_status,
        cast(created_at as timestamp with time zone) as created_at

    from source

)

select * from renamed
