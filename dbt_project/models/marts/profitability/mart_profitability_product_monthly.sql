{#
    Profitability per product and month, all stores together: units, net sales without IGV,
    cost at weighted average, margin, and inventory losses at cost (mermas, desmedros, count
    differences) from the kardex.
#}

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

sales_monthly as (

    select
        {{ month_start('daily_sales.date_day') }} as month_start_date,
        daily_sales.product_id,
        {{ sales_profitability_measures('daily_sales') }}
    from daily_sales
    group by 1, 2

),

losses_monthly as (

    select
        {{ month_start('daily_movements.movement_date') }} as month_start_date,
        daily_movements.product_id,
        {{ inventory_loss_measures('daily_movements') }}
    from daily_movements
    group by 1, 2
    having
        sum(daily_movements.shrinkage_value_pen) <> 0
        or sum(daily_movements.count_adjustment_value_pen) <> 0

),

final as (

    select
        coalesce(sales_monthly.month_start_date, losses_monthly.month_start_date)
            as month_start_date,
        products.product_id,
        products.sku,
        products.product_name,
        products.department_name,
        products.category_id,
        products.category_name,
        products.subcategory_name,
        products.supplier_id,
        products.supplier_name,
        products.abc_class,
        {{ profitability_ratios('sales_monthly', 'losses_monthly') }}
    from sales_monthly
    full outer join losses_monthly
        on
            sales_monthly.month_start_date = losses_monthly.month_start_date
            and sales_monthly.product_id = losses_monthly.product_id
    inner join products
        on products.product_id = coalesce(sales_monthly.product_id, losses_monthly.product_id)

)

select * from final
