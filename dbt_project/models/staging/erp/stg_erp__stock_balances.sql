with

source as (

    select * from {{ source('erp', 'stock_balances') }}

),

renamed as (

    select
        cast(product_id as bigint) as product_id,
        cast(store_id as bigint) as store_id,
        cast(quantity as numeric(14,3)) as on_hand_qty,
        cast(unit_cost as numeric(18,6)) as unit_cost_pen,
        cast(total_value as numeric(14,2)) as stock_value_pen,
        cast(last_movement_at as timestamp with time zone) as last_movement_at

    from source

)

select * from renamed
