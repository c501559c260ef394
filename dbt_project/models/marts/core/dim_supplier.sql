with

suppliers as (

    select * from {{ ref('stg_erp__suppliers') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

product_counts as (

    select
        supplier_id,
        count(*) as products_count,
        count(case when is_active then 1 end) as active_products_count
    from products
    group by supplier_id

),

final as (

    select
        suppliers.supplier_id,
        suppliers.supplier_ruc,
        suppliers.supplier_name,
        suppliers.lead_time_days,
        suppliers.min_order_pen,
        coalesce(product_counts.products_count, 0) as products_count,
        coalesce(product_counts.active_products_count, 0) as active_products_count
    from suppliers
    left join product_counts
        on suppliers.supplier_id = product_counts.supplier_id

)

select * from final
