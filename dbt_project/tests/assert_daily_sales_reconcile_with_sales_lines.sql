{{ config(meta={'dagster': {'ref': {'name': 'fct_daily_sales'}}}) }}

-- fct_daily_sales and fct_sales_lines hold the same units and money day by day (the two
-- incremental facts never drift apart), and fct_sales_lines holds every staged sale and return
-- line.

with

lines_by_day as (

    select
        transaction_date as date_day,
        sum(units_qty) as net_qty,
        sum(net_sales_pen) as net_sales_pen,
        sum(margin_pen) as margin_pen,
        count(*) as lines_count
    from {{ ref('fct_sales_lines') }}
    where {{ test_window_filter('transaction_date') }}
    group by transaction_date

),

daily_by_day as (

    select
        date_day,
        sum(net_qty) as net_qty,
        sum(net_sales_pen) as net_sales_pen,
        sum(margin_pen) as margin_pen,
        sum(sale_lines_count + return_lines_count) as lines_count
    from {{ ref('fct_daily_sales') }}
    where {{ test_window_filter('date_day') }}
    group by date_day

),

staged_by_day as (

    select date_day, sum(lines_count) as lines_count
    from (
        select sale_date as date_day, count(*) as lines_count
        from {{ ref('stg_erp__sale_lines') }}
        where {{ test_window_filter('sale_date') }}
        group by sale_date
        union all
        select returns.return_date, count(*)
        from {{ ref('stg_erp__return_lines') }} as return_lines
        inner join {{ ref('stg_erp__returns') }} as returns
            on return_lines.return_id = returns.return_id
        where {{ test_window_filter('returns.return_date') }}
        group by returns.return_date
    ) as staged
    group by date_day

)

select
    coalesce(lines_by_day.date_day, daily_by_day.date_day, staged_by_day.date_day) as date_day,
    lines_by_day.lines_count as fact_lines_count,
    daily_by_day.lines_count as daily_lines_count,
    staged_by_day.lines_count as staged_lines_count,
    lines_by_day.net_sales_pen as fact_net_sales_pen,
    daily_by_day.net_sales_pen as daily_net_sales_pen
from lines_by_day
full outer join daily_by_day
    on lines_by_day.date_day = daily_by_day.date_day
full outer join staged_by_day
    on coalesce(lines_by_day.date_day, daily_by_day.date_day) = staged_by_day.date_day
where
    coalesce(lines_by_day.lines_count, 0) <> coalesce(daily_by_day.lines_count, 0)
    or coalesce(lines_by_day.lines_count, 0) <> coalesce(staged_by_day.lines_count, 0)
    or coalesce(lines_by_day.net_qty, 0) <> coalesce(daily_by_day.net_qty, 0)
    or coalesce(lines_by_day.net_sales_pen, 0) <> coalesce(daily_by_day.net_sales_pen, 0)
    or coalesce(lines_by_day.margin_pen, 0) <> coalesce(daily_by_day.margin_pen, 0)
