with

source as (

    select * from {{ source('erp', 'suppliers') }}

),

renamed as (

    select
        cast(supplier_id as bigint) as supplier_id,
        cast(ruc as varchar) as supplier_ruc,
        cast(name as varchar) as supplier_name,
        cast(lead_time_days as integer) as lead_time_days,
        cast(min_order_pen as numeric(14,2)) as min_order_pen

    from source

)

select * from renamed
