{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transaction_date',
    )
}}

{#
    One row per ticket (a sale's comprobante) and per return (its nota de crédito, negative):
    the base for customer segmentation (RFM) and basket recommendations. The customer appears
    only as the pseudonym; anonymous tickets keep a null customer. Profiling and audiences must
    filter on dim_customer.is_profilable / is_marketable (see docs/DECISIONLOG.md).
#}

with

lines as (

    select * from {{ ref('int_sales__lines_and_returns') }}
    {% if is_incremental() %}
    where transaction_date >= {{ incremental_start_date('transaction_date') }}
    {% endif %}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

payments as (

    select * from {{ ref('int_sales__ticket_payments') }}
    {% if is_incremental() %}
    -- only sales take their payments, and a sale is dated on its sale_date
    where sale_date >= {{ incremental_start_date('transaction_date') }}
    {% endif %}

),

transactions as (

    select
        line_type as transaction_type,
        case
            when line_type = 'sale' then 'S-' || cast(sale_id as varchar)
            else 'R-' || cast(return_id as varchar)
        end as transaction_key,
        transaction_date,
        transacted_at,
        sale_id,
        return_id,
        store_id,
        customer_id,
        channel,
        document_type,
        document_serie,
        document_number,
        count(*) as lines_count,
        count(distinct product_id) as products_count,
        {{ string_agg_distinct_sorted('product_id') }} as product_ids,
        cast(sum(units_qty) as numeric(14, 3)) as units_qty,
        cast(sum(gross_sales_pen) as numeric(14, 2)) as gross_sales_pen,
        cast(sum(discount_pen) as numeric(14, 2)) as discount_pen,
        cast(sum(total_with_igv_pen) as numeric(14, 2)) as total_with_igv_pen,
        cast(sum(net_sales_pen) as numeric(14, 2)) as net_sales_pen,
        cast(sum(igv_pen) as numeric(14, 2)) as igv_pen,
        cast(sum(cost_pen) as numeric(14, 2)) as cost_pen,
        cast(sum(margin_pen) as numeric(14, 2)) as margin_pen,
        count(case when promotion_id is not null then 1 end) as promotion_lines_count
    from lines
    group by
        line_type,
        transaction_date,
        transacted_at,
        sale_id,
        return_id,
        store_id,
        customer_id,
        channel,
        document_type,
        document_serie,
        document_number

),

final as (

    select
        transactions.transaction_key,
        transactions.transaction_type,
        transactions.transaction_date,
        transactions.transacted_at,
        transactions.sale_id,
        transactions.return_id,
        transactions.store_id,
        transactions.customer_id,
        customers.customer_pseudonym,
        transactions.customer_id is not null as is_identified_customer,
        transactions.channel,
        transactions.document_type,
        transactions.document_serie,
        transactions.document_number,
        case when transactions.transaction_type = 'sale' then payments.main_payment_method_code end
            as main_payment_method_code,
        case when transactions.transaction_type = 'sale' then payments.payment_methods_count end
            as payment_methods_count,
        transactions.lines_count,
        transactions.products_count,
        transactions.product_ids,
        transactions.units_qty,
        transactions.gross_sales_pen,
        transactions.discount_pen,
        transactions.total_with_igv_pen,
        transactions.net_sales_pen,
        transactions.igv_pen,
        transactions.cost_pen,
        transactions.margin_pen,
        transactions.promotion_lines_count
    from transactions
    left join customers
        on transactions.customer_id = customers.customer_id
    -- payments are one row per ticket; a return row also matches its sale's payments and the
    -- case expressions above null them. A condition on the left side alone in this ON clause
    -- makes DuckDB fall back to a nested-loop join (minutes at medium scale).
    left join payments
        on transactions.sale_id = payments.sale_id

)

select * from final
