{# Profitability per supplier and month: what each supplier's products earn, all stores together. #}

with

daily_sales as (

    select * from {{ ref('fct_daily_sales') }}

),

daily_movements as (

    select * from {{ ref('int_inventory__daily_movements') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

suppliers as (

    select * from {{ ref('dim_supplier') }}

),

sales_monthly as (

    select
        {{ month_start('daily_sales.date_day') }} as month_start_date,
        products.supplier_id,
        {{ sales_profitability_measures('daily_sales') }},
        count(distinct daily_sales.product_id) as products_sold_count
    from daily_sales
    inner join products
        on daily_sales.product_id = products.product_id
    group by 1, 2

),

losses_monthly as (

    select
        {{ month_start('daily_movements.movement_date') }} as month_start_date,
        products.supplier_id,
        {{ inventory_loss_measures('daily_movements') }}
    from daily_movements
    inner join products
        on daily_movements.product_id = products.product_id
    group by 1, 2
    having
        sum(daily_movements.shrinkage_value_pen) <> 0
        or sum(daily_movements.count_adjustment_value_pen) <> 0

),

final as (

    select
        coalesce(sales_monthly.month_start_date, losses_monthly.month_start_date)
            as month_start_date,
        suppliers.supplier_id,
        suppliers.supplier_ruc,
        suppliers.supplier_name,
        coalesce(sales_monthly.products_sold_count, 0) as products_sold_count,
        {{ profitability_ratios('sales_monthly', 'losses_monthly') }}
    from sales_monthly
    full outer join losses_monthly
        on
            sales_monthly.month_start_date = losses_monthly.month_start_date
            and sales_monthly.supplier_id = losses_monthly.supplier_id
    inner join suppliers
        on suppliers.supplier_id = coalesce(sales_monthly.supplier_id, losses_monthly.supplier_id)

)

select * from final
