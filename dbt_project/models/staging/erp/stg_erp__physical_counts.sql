with

source as (

    select * from {{ source('erp', 'physical_counts') }}

),

renamed as (

    select
        cast(physical_count_id as bigint) as physical_count_id,
        cast(store_id as bigint) as store_id,
        cast(counted_at as timestamp with time zone) as counted_at,
        cast(count_date as date) as count_date

    from source

)

select * from renamed
