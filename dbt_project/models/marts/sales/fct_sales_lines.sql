{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transaction_date',
    )
}}

{#
    One row per sale line and one per return line (negative), each on its own business date.
    Amounts in soles: gross (list price with IGV), discount, total paid with IGV, net sales
    without IGV, IGV, cost at weighted average and margin (net sales - cost).
#}

with

lines as (

    select * from {{ ref('int_sales__lines_and_returns') }}
    {% if is_incremental() %}
    where transaction_date >= {{ incremental_start_date('transaction_date') }}
    {% endif %}

),

final as (

    select
        sales_line_key,
        line_type,
        line_type = 'return' as is_return,
        transaction_date,
        transacted_at,
        sale_id,
        sale_line_id,
        return_id,
        return_line_id,
        sale_date,
        line_number,
        store_id,
        product_id,
        customer_id,
        channel,
        document_type,
        document_serie,
        document_number,
        igv_affectation,
        promotion_id,
        promotion_id is not null as is_promotion,
        list_price_pen,
        unit_price_pen,
        unit_cost_pen,
        units_qty,
        gross_sales_pen,
        discount_pen,
        total_with_igv_pen,
        net_sales_pen,
        igv_pen,
        cost_pen,
        margin_pen
    from lines

)

select * from final
