with

source as (

    select * from {{ source('erp', 'transfers') }}

),

renamed as (

    select
        cast(transfer_id as bigint) as transfer_id,
        cast(from_store_id as bigint) as from_store_id,
        cast(to_store_id as bigint) as to_store_id,
        cast(dispatched_at as timestamp with time zone) as dispatched_at,
        cast(dispatch_date as date) as dispatch_date,
        cast(received_at as timestamp with time zone) as received_at,
        cast(receipt_date as date) as receipt_date,
        cast(status as varchar) as transfer_status,
        cast(serie as varchar) as document_serie,
        cast(number as integer) as document_number

    from source

)

select * from renamed
