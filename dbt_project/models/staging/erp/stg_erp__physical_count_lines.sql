with

source as (

    select * from {{ source('erp', 'physical_count_lines') }}

),

renamed as (

    select
        cast(physical_count_line_id as bigint) as physical_count_line_id,
        cast(physical_count_id as bigint) as physical_count_id,
        cast(product_id as bigint) as product_id,
        cast(system_quantity as numeric(14,3)) as system_qty,
        cast(counted_quantity as numeric(14,3)) as counted_qty

    from source

)

select * from renamed
