with

source as (

    select * from {{ source('erp', 'issued_documents') }}

),

renamed as (

    select
        cast(serie as varchar) as document_serie,
        cast(number as integer) as document_number,
        cast(doc_type as varchar) as document_type,
        cast(issued_on as date) as issued_date

    from source

)

select * from renamed
