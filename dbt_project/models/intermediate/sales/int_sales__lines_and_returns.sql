{#
    Sale lines and return lines in one shape, each on its own business date: a return is a
    separate, negative line dated on the nota de crédito (see docs/DECISIONLOG.md). Return lines
    carry the original sale's customer, channel, list price and IGV affectation.
#}

with

{#-
    Both branches read sales and sale_lines: `not materialized` keeps the database from
    computing each CTE whole once for the two, so that a filter on the date of the lines (the
    incremental facts read a few days) reaches the scans.
#}
sales as not materialized (

    select * from {{ ref('stg_erp__sales') }}

),

sale_lines as not materialized (

    select * from {{ ref('stg_erp__sale_lines') }}

),

returns as (

    select * from {{ ref('stg_erp__returns') }}

),

return_lines as (

    select * from {{ ref('stg_erp__return_lines') }}

),

sold as (

    select
        'S-' || cast(sale_lines.sale_line_id as varchar) as sales_line_key,
        'sale' as line_type,
        sale_lines.sale_date as transaction_date,
        sales.sold_at as transacted_at,
        sale_lines.sale_id,
        sale_lines.sale_line_id,
        cast(null as bigint) as return_id,
        cast(null as bigint) as return_line_id,
        sale_lines.sale_date,
        sale_lines.line_number,
        sale_lines.store_id,
        sale_lines.product_id,
        sales.customer_id,
        sales.channel,
        sales.document_type,
        sales.document_serie,
        sales.document_number,
        sale_lines.igv_affectation,
        sale_lines.promotion_id,
        sale_lines.list_price_pen,
        sale_lines.unit_price_pen,
        sale_lines.unit_cost_pen,
        cast(sale_lines.sold_qty as numeric(14, 3)) as units_qty,
        cast(sale_lines.line_total_pen + sale_lines.discount_pen as numeric(14, 2)) as gross_sales_pen,
        cast(sale_lines.discount_pen as numeric(14, 2)) as discount_pen,
        cast(sale_lines.line_total_pen as numeric(14, 2)) as total_with_igv_pen,
        cast(sale_lines.taxable_pen as numeric(14, 2)) as net_sales_pen,
        cast(sale_lines.igv_pen as numeric(14, 2)) as igv_pen,
        cast(sale_lines.cost_pen as numeric(14, 2)) as cost_pen

    from sale_lines
    inner join sales
        on
            sale_lines.sale_id = sales.sale_id
            and sale_lines.sale_date = sales.sale_date

),

returned as (

    select
        'R-' || cast(return_lines.return_line_id as varchar) as sales_line_key,
        'return' as line_type,
        returns.return_date as transaction_date,
        returns.returned_at as transacted_at,
        returns.sale_id,
        return_lines.sale_line_id,
        returns.return_id,
        return_lines.return_line_id,
        returns.sale_date,
        sale_lines.line_number,
        returns.store_id,
        return_lines.product_id,
        sales.customer_id,
        sales.channel,
        returns.document_type,
        returns.document_serie,
        returns.document_number,
        sale_lines.igv_affectation,
        sale_lines.promotion_id,
        sale_lines.list_price_pen,
        sale_lines.unit_price_pen,
        return_lines.unit_cost_pen,
        cast(-return_lines.returned_qty as numeric(14, 3)) as units_qty,
        cast(
            -round(sale_lines.list_price_pen * return_lines.returned_qty, 2) as numeric(14, 2)
        ) as gross_sales_pen,
        cast(
            -(round(sale_lines.list_price_pen * return_lines.returned_qty, 2)
            - return_lines.line_total_pen) as numeric(14, 2)
        ) as discount_pen,
        cast(-return_lines.line_total_pen as numeric(14, 2)) as total_with_igv_pen,
        cast(-return_lines.taxable_pen as numeric(14, 2)) as net_sales_pen,
        cast(-return_lines.igv_pen as numeric(14, 2)) as igv_pen,
        cast(-return_lines.cost_pen as numeric(14, 2)) as cost_pen

    from return_lines
    inner join returns
        on return_lines.return_id = returns.return_id
    inner join sale_lines
        on
            return_lines.sale_line_id = sale_lines.sale_line_id
            and returns.sale_date = sale_lines.sale_date
    inner join sales
        on
            returns.sale_id = sales.sale_id
            and returns.sale_date = sales.sale_date

),

unioned as (

    select * from sold
    union all
    select * from returned

),

final as (

    select
        *,
        cast(net_sales_pen - cost_pen as numeric(14, 2)) as margin_pen
    from unioned

)

select * from final
