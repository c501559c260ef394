with

source as (

    select * from {{ source('erp', 'comprobante_series') }}

),

renamed as (

    select
        cast(series_id as bigint) as series_id,
        cast(store_id as bigint) as store_id,
        cast(doc_type as varchar) as document_type,
        cast(serie as varchar) as document_serie,
        cast(last_number as integer) as last_document_number

    from source

)

select * from renamed
