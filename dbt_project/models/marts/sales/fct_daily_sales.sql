{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='date_day',
    )
}}

{#
    Sales per product × store × day (days with sales or returns only): units sold, returned and
    net, and the money of fct_sales_lines summed. Returns count on the day they came back.
#}

with

lines as (

    select * from {{ ref('fct_sales_lines') }}
    {% if is_incremental() %}
    where transaction_date >= {{ incremental_start_date('date_day') }}
    {% endif %}

),

final as (

    select
        transaction_date as date_day,
        product_id,
        store_id,
        cast(sum(case when not is_return then units_qty else 0 end) as numeric(14, 3)) as sold_qty,
        cast(sum(case when is_return then -units_qty else 0 end) as numeric(14, 3)) as returned_qty,
        cast(sum(units_qty) as numeric(14, 3)) as net_qty,
        cast(sum(case when not is_return and is_promotion then units_qty else 0 end) as numeric(14, 3))
            as promotion_sold_qty,
        cast(sum(gross_sales_pen) as numeric(14, 2)) as gross_sales_pen,
        cast(sum(discount_pen) as numeric(14, 2)) as discount_pen,
        cast(sum(total_with_igv_pen) as numeric(14, 2)) as total_with_igv_pen,
        cast(sum(net_sales_pen) as numeric(14, 2)) as net_sales_pen,
        cast(sum(igv_pen) as numeric(14, 2)) as igv_pen,
        cast(sum(cost_pen) as numeric(14, 2)) as cost_pen,
        cast(sum(margin_pen) as numeric(14, 2)) as margin_pen,
        count(case when not is_return then 1 end) as sale_lines_count,
        count(case when is_return then 1 end) as return_lines_count,
        count(distinct case when not is_return then sale_id end) as tickets_count
    from lines
    group by transaction_date, product_id, store_id

)

{#- Stored in day order, so a reader's filter on days skips the other days' row groups (DuckDB's
    zone maps: the dashboards' latest-day and recent-window reads); each incremental run deletes
    its trailing days and appends them, in the same order, at the end. #}
select * from final
order by date_day, store_id, product_id
