with

source as (

    select * from {{ source('erp', 'customer_consent_events') }}

),

renamed as (

    select
        cast(event_id as bigint) as consent_event_id,
        cast(customer_id as bigint) as customer_id,
        cast(purpose as varchar) as consent_purpose,
        cast(granted as boolean) as is_granted,
        cast(recorded_at as timestamp with time zone) as recorded_at,
        cast(source as varchar) as consent_source

    from source

)

select * from renamed
