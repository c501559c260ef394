{{ config(meta={'dagster': {'ref': {'name': 'fct_sales_lines'}}}) }}

-- Every unit sold leaves the kardex (operation 01) and every unit a customer returns comes
-- back (operation 24), per product × store × day, at the same cost. Day by day, so the hourly
-- refresh compares the days of its test window only (macros/test_window.sql).

with

lines as (

    select
        transaction_date,
        product_id,
        store_id,
        sum(case when not is_return then units_qty else 0 end) as sold_qty,
        sum(case when is_return then -units_qty else 0 end) as returned_qty,
        sum(case when not is_return then cost_pen else 0 end) as sold_cost_pen,
        sum(case when is_return then -cost_pen else 0 end) as returned_cost_pen
    from {{ ref('fct_sales_lines') }}
    where {{ test_window_filter('transaction_date') }}
    group by transaction_date, product_id, store_id

),

kardex as (

    select
        movement_date,
        product_id,
        store_id,
        sum(case when operation_type = '01' then out_qty - in_qty else 0 end) as sold_qty,
        sum(case when operation_type = '24' then in_qty - out_qty else 0 end) as returned_qty,
        sum(case when operation_type = '01' then out_value_pen - in_value_pen else 0 end)
            as sold_cost_pen,
        sum(case when operation_type = '24' then in_value_pen - out_value_pen else 0 end)
            as returned_cost_pen
    from {{ ref('fct_inventory_movements') }}
    where operation_type in ('01', '24') and {{ test_window_filter('movement_date') }}
    group by movement_date, product_id, store_id

)

select
    coalesce(lines.transaction_date, kardex.movement_date) as date_day,
    coalesce(lines.product_id, kardex.product_id) as product_id,
    coalesce(lines.store_id, kardex.store_id) as store_id,
    lines.sold_qty as lines_sold_qty,
    kardex.sold_qty as kardex_sold_qty,
    lines.returned_qty as lines_returned_qty,
    kardex.returned_qty as kardex_returned_qty,
    lines.sold_cost_pen as lines_sold_cost_pen,
    kardex.sold_cost_pen as kardex_sold_cost_pen
from lines
full outer join kardex
    on
        lines.transaction_date = kardex.movement_date
        and lines.product_id = kardex.product_id
        and lines.store_id = kardex.store_id
where
    coalesce(lines.sold_qty, 0) <> coalesce(kardex.sold_qty, 0)
    or coalesce(lines.returned_qty, 0) <> coalesce(kardex.returned_qty, 0)
    or coalesce(lines.sold_cost_pen, 0) <> coalesce(kardex.sold_cost_pen, 0)
    or coalesce(lines.returned_cost_pen, 0) <> coalesce(kardex.returned_cost_pen, 0)
