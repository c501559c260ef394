with

stores as (

    select * from {{ ref('stg_erp__stores') }}

),

sales as (

    select * from {{ ref('stg_erp__sales') }}

),

sales_span as (

    select
        store_id,
        min(sale_date) as first_sale_date,
        max(sale_date) as last_sale_date
    from sales
    group by store_id

),

final as (

    select
        stores.store_id,
        stores.store_code,
        stores.store_name,
        stores.department,
        stores.region,
        stores.district,
        stores.is_warehouse,
        case when stores.is_warehouse then 'warehouse' else 'store' end as store_type,
        stores.opened_date,
        sales_span.first_sale_date,
        sales_span.last_sale_date
    from stores
    left join sales_span
        on stores.store_id = sales_span.store_id

)

select * from final
