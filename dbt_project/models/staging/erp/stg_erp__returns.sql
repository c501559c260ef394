with

source as (

    select * from {{ source('erp', 'returns') }}

),

renamed as (

    select
        cast(return_id as bigint) as return_id,
        cast(sale_id as bigint) as sale_id,
        cast(sale_date as date) as sale_date,
        cast(return_date as date) as return_date,
        cast(returned_at as timestamp with time zone) as returned_at,
        cast(store_id as bigint) as store_id,
        cast(doc_type as varchar) as document_type,
        cast(serie as varchar) as document_serie,
        cast(number as integer) as document_number,
        cast(reason as varchar) as return_reason,
        cast(taxable_amount as numeric(14,2)) as taxable_pen,
        cast(exempt_amount as numeric(14,2)) as exempt_pen,
        cast(igv_amount as numeric(14,2)) as igv_pen,
        cast(total_amount as numeric(14,2)) as total_pen

    from source

)

select * from renamed
