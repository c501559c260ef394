with

source as (

    select * from {{ source('erp', 'goods_receipts') }}

),

renamed as (

    select
        cast(goods_receipt_id as bigint) as goods_receipt_id,
        cast(purchase_order_id as bigint) as purchase_order_id,
        cast(supplier_id as bigint) as supplier_id,
        cast(store_id as bigint) as store_id,
        cast(received_at as timestamp with time zone) as received_at,
        cast(receipt_date as date) as receipt_date,
        cast(doc_type as varchar) as document_type,
        cast(serie as varchar) as document_serie,
        cast(number as integer) as document_number

    from source

)

select * from renamed
