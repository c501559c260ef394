with

source as (

    select * from {{ source('erp', 'inventory_adjustments') }}

),

renamed as (

    select
        cast(adjustment_id as bigint) as adjustment_id,
        cast(store_id as bigint) as store_id,
        cast(adjusted_at as timestamp with time zone) as adjusted_at,
        cast(adjustment_date as date) as adjustment_date,
        cast(reason as varchar) as adjustment_reason,
        cast(physical_count_id as bigint) as physical_count_id,
        cast(note as varchar) as adjustment_note

    from source

)

select * from renamed
