with

products as (

    select * from {{ ref('stg_erp__products') }}

),

subcategories as (

    select * from {{ ref('stg_erp__product_subcategories') }}

),

categories as (

    select * from {{ ref('stg_erp__product_categories') }}

),

departments as (

    select * from {{ ref('stg_erp__product_departments') }}

),

suppliers as (

    select * from {{ ref('stg_erp__suppliers') }}

),

igv_affectations as (

    select * from {{ ref('sunat_igv_affectations') }}

),

abc as (

    select * from {{ ref('int_products__abc_classification') }}

),

final as (

    select
        products.product_id,
        products.sku,
        products.product_name,
        products.brand,
        departments.department_id,
        departments.department_name,
        categories.category_id,
        categories.category_name,
        subcategories.subcategory_id,
        subcategories.subcategory_name,
        suppliers.supplier_id,
        suppliers.supplier_name,
        suppliers.supplier_ruc,
        suppliers.lead_time_days as supplier_lead_time_days,
        products.unit_of_measure,
        products.pack_size,
        products.list_price_pen,
        products.igv_affectation,
        igv_affectations.igv_affectation_name,
        igv_affectations.is_taxable,
        products.is_active,
        products.created_at,
        products.listed_date,
        products.delisted_date,
        products.min_order_qty,
        abc.abc_class,
        abc.abc_net_sales_pen,
        abc.abc_margin_pen,
        abc.abc_margin_share,
        abc.abc_cumulative_margin_share,
        abc.abc_window_start_date,
        abc.abc_window_end_date
    from products
    inner join subcategories
        on products.subcategory_id = subcategories.subcategory_id
    inner join categories
        on subcategories.category_id = categories.category_id
    inner join departments
        on categories.department_id = departments.department_id
    inner join suppliers
        on products.supplier_id = suppliers.supplier_id
    left join igv_affectations
        on products.igv_affectation = igv_affectations.igv_affectation
    left join abc
        on products.product_id = abc.product_id

)

select * from final
