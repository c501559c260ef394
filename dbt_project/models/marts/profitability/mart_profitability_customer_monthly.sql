{#
    Profitability per identified customer and month (anonymous tickets excluded): tickets,
    returns, net sales, cost and margin. Customers appear only by pseudonym; blocked customers
    (ARCO cancellation) are left out because this is profiling.
#}

with

transactions as (

    select * from {{ ref('fct_customer_transactions') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

monthly as (

    select
        {{ month_start('transaction_date') }} as month_start_date,
        customer_id,
        count(case when transaction_type = 'sale' then 1 end) as tickets_count,
        count(case when transaction_type = 'return' then 1 end) as returns_count,
        count(distinct store_id) as stores_count,
        cast(sum(units_qty) as numeric(16, 3)) as net_qty,
        cast(sum(gross_sales_pen) as numeric(16, 2)) as gross_sales_pen,
        cast(sum(discount_pen) as numeric(16, 2)) as discount_pen,
        cast(sum(net_sales_pen) as numeric(16, 2)) as net_sales_pen,
        cast(sum(igv_pen) as numeric(16, 2)) as igv_pen,
        cast(sum(cost_pen) as numeric(16, 2)) as cost_pen,
        cast(sum(margin_pen) as numeric(16, 2)) as margin_pen,
        max(transaction_date) as last_transaction_date
    from transactions
    where customer_id is not null
    group by 1, 2

),

final as (

    select
        monthly.month_start_date,
        customers.customer_id,
        customers.customer_pseudonym,
        customers.is_business,
        customers.is_marketable,
        monthly.tickets_count,
        monthly.returns_count,
        monthly.stores_count,
        monthly.net_qty,
        monthly.gross_sales_pen,
        monthly.discount_pen,
        monthly.net_sales_pen,
        monthly.igv_pen,
        monthly.cost_pen,
        monthly.margin_pen,
        {{ ratio('monthly.margin_pen', 'monthly.net_sales_pen') }} as margin_pct,
        {{ ratio('monthly.net_sales_pen', 'monthly.tickets_count', 2) }} as avg_ticket_net_pen,
        monthly.last_transaction_date
    from monthly
    inner join customers
        on monthly.customer_id = customers.customer_id
    where customers.is_profilable

)

select * from final
