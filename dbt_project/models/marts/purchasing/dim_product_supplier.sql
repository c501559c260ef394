{#
    What restocking needs to know about buying each product from its supplier (the core has one
    supplier per product): pack size and the per-line minimum order in units (products), the
    supplier's minimum for a whole order in soles and its nominal lead time (suppliers), and
    what its deliveries of this product actually took (fct_purchase_order_lines).
#}

with

products as (

    select * from {{ ref('stg_erp__products') }}

),

suppliers as (

    select * from {{ ref('stg_erp__suppliers') }}

),

order_lines as (

    select * from {{ ref('fct_purchase_order_lines') }}

),

deliveries as (

    select
        product_id,
        supplier_id,
        count(*) as order_lines_count,
        count(first_receipt_date) as received_lines_count,
        max(ordered_date) as last_ordered_date,
        sum(lead_time_days) as lead_time_days_sum,
        max(lead_time_days) as max_lead_time_days,
        sum(received_qty) as received_qty,
        sum(case when purchase_order_status <> 'open' or received_qty > 0 then ordered_qty end)
            as closed_ordered_qty,
        sum(case when purchase_order_status <> 'open' or received_qty > 0 then received_qty end)
            as closed_received_qty,
        sum(open_qty) as open_qty,
        {{ innovalogix.arg_max('unit_cost_pen', 'purchase_order_line_id') }}
            as last_unit_cost_pen
    from order_lines
    group by product_id, supplier_id

),

final as (

    select
        products.product_id,
        products.supplier_id,
        products.sku,
        suppliers.supplier_name,
        products.pack_size,
        products.min_order_qty,
        suppliers.min_order_pen as supplier_min_order_pen,
        suppliers.lead_time_days as supplier_lead_time_days,
        coalesce(deliveries.order_lines_count, 0) as order_lines_count,
        coalesce(deliveries.received_lines_count, 0) as received_lines_count,
        deliveries.last_ordered_date,
        {{ innovalogix.ratio('deliveries.lead_time_days_sum', 'deliveries.received_lines_count', 2) }}
            as mean_lead_time_days,
        deliveries.max_lead_time_days,
        {{ innovalogix.ratio('deliveries.closed_received_qty', 'deliveries.closed_ordered_qty') }}
            as fill_rate,
        cast(coalesce(deliveries.open_qty, 0) as numeric(14, 3)) as open_qty,
        deliveries.last_unit_cost_pen
    from products
    inner join suppliers
        on products.supplier_id = suppliers.supplier_id
    left join deliveries
        on
            products.product_id = deliveries.product_id
            and products.supplier_id = deliveries.supplier_id

)

select * from final
