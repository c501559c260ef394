with

source as (

    select * from {{ source('erp', 'promotions') }}

),

renamed as (

    select
        cast(promotion_id as bigint) as promotion_id,
        cast(name as varchar) as promotion_name,
        cast(product_id as bigint) as product_id,
        cast(store_id as bigint) as store_id,
        cast(discount_pct as numeric(5,2)) as discount_pct,
        cast(starts_on as date) as start_date,
        cast(ends_on as date) as end_date

    from source

)

select * from renamed
