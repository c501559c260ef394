{#
    Profitability per store and month: sales, margin, tickets, inventory losses, the average
    stock value held (from fct_inventory_daily) and GMROI (margin / average stock at cost).
#}

with

daily_sales as (

    select * from {{ ref('fct_daily_sales') }}

),

daily_movements as (

    select * from {{ ref('int_inventory__daily_movements') }}

),

inventory_daily as (

    select * from {{ ref('fct_inventory_daily') }}

),

transactions as (

    select * from {{ ref('fct_customer_transactions') }}

),

stores as (

    select * from {{ ref('dim_store') }}

),

sales_monthly as (

    select
        {{ month_start('daily_sales.date_day') }} as month_start_date,
        daily_sales.store_id,
        {{ sales_profitability_measures('daily_sales') }}
    from daily_sales
    group by 1, 2

),

tickets_monthly as (

    select
        {{ month_start('transaction_date') }} as month_start_date,
        store_id,
        count(case when transaction_type = 'sale' then 1 end) as tickets_count,
        count(case when transaction_type = 'return' then 1 end) as returns_count,
        count(case when transaction_type = 'sale' and is_identified_customer then 1 end)
            as identified_tickets_count,
        cast(sum(case when transaction_type = 'sale' then total_with_igv_pen else 0 end)
            as numeric(16, 2)) as tickets_total_with_igv_pen
    from transactions
    group by 1, 2

),

losses_monthly as (

    select
        {{ month_start('daily_movements.movement_date') }} as month_start_date,
        daily_movements.store_id,
        {{ inventory_loss_measures('daily_movements') }}
    from daily_movements
    group by 1, 2

),

stock_daily as (

    select
        date_day,
        store_id,
        sum(stock_value_pen) as stock_value_pen,
        count(case when is_stockout then 1 end) as stockout_pairs_count
    from inventory_daily
    group by date_day, store_id

),

stock_monthly as (

    select
        {{ month_start('date_day') }} as month_start_date,
        store_id,
        cast(avg(stock_value_pen) as numeric(16, 2)) as avg_stock_value_pen,
        cast(sum(stockout_pairs_count) as bigint) as stockout_product_days_count
    from stock_daily
    group by 1, 2

),

store_months as (

    select month_start_date, store_id from sales_monthly
    union
    select month_start_date, store_id from losses_monthly
    union
    select month_start_date, store_id from stock_monthly

),

final as (

    select
        store_months.month_start_date,
        stores.store_id,
        stores.store_code,
        stores.store_name,
        stores.department,
        stores.region,
        stores.store_type,
        {{ profitability_ratios('sales_monthly', 'losses_monthly') }},
        coalesce(tickets_monthly.tickets_count, 0) as tickets_count,
        coalesce(tickets_monthly.returns_count, 0) as returns_count,
        coalesce(tickets_monthly.identified_tickets_count, 0) as identified_tickets_count,
        {{ ratio('tickets_monthly.tickets_total_with_igv_pen', 'tickets_monthly.tickets_count', 2) }}
            as avg_ticket_with_igv_pen,
        stock_monthly.avg_stock_value_pen,
        coalesce(stock_monthly.stockout_product_days_count, 0) as stockout_product_days_count,
        {{ ratio('sales_monthly.margin_pen', 'stock_monthly.avg_stock_value_pen') }} as gmroi
    from store_months
    inner join stores
        on store_months.store_id = stores.store_id
    left join sales_monthly
        on
            store_months.month_start_date = sales_monthly.month_start_date
            and store_months.store_id = sales_monthly.store_id
    left join losses_monthly
        on
            store_months.month_start_date = losses_monthly.month_start_date
            and store_months.store_id = losses_monthly.store_id
    left join tickets_monthly
        on
            store_months.month_start_date = tickets_monthly.month_start_date
            and store_months.store_id = tickets_monthly.store_id
    left join stock_monthly
        on
            store_months.month_start_date = stock_monthly.month_start_date
            and store_months.store_id = stock_monthly.store_id

)

select * from final
