{{ config(materialized='table') }}

{#
    ABC class of every product by its contribution to margin (net sales without IGV minus
    weighted-average cost, returns deducted) over the trailing `abc_window_days` ending on the
    latest sales day: A up to the first `abc_class_a_share` of cumulative margin, B up to
    `abc_class_b_share`, C the rest and every product without positive margin.
#}

{%- set window_days = var('abc_window_days') | int -%}
{%- set a_share = var('abc_class_a_share') -%}
{%- set b_share = var('abc_class_b_share') -%}

with

lines as (

    select * from {{ ref('int_sales__lines_and_returns') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

bounds as (

    select
        {{ add_days('max(transaction_date)', 1 - window_days) }} as window_start_date,
        max(transaction_date) as window_end_date
    from lines

),

windowed as (

    select
        lines.product_id,
        lines.net_sales_pen,
        lines.margin_pen
    from lines
    cross join bounds
    where lines.transaction_date between bounds.window_start_date and bounds.window_end_date

),

product_totals as (

    select
        products.product_id,
        cast(coalesce(sum(windowed.net_sales_pen), 0) as numeric(16, 2)) as net_sales_pen,
        cast(coalesce(sum(windowed.margin_pen), 0) as numeric(16, 2)) as margin_pen
    from products
    left join windowed
        on products.product_id = windowed.product_id
    group by products.product_id

),

contributions as (

    select
        product_id,
        net_sales_pen,
        margin_pen,
        case when margin_pen > 0 then margin_pen else 0 end as contribution_pen
    from product_totals

),

cumulated as (

    select
        *,
        sum(contribution_pen) over () as total_contribution_pen,
        sum(contribution_pen) over (
            order by contribution_pen desc, product_id
            rows between unbounded preceding and current row
        ) as cumulative_contribution_pen
    from contributions

),

final as (

    select
        cumulated.product_id,
        cumulated.net_sales_pen as abc_net_sales_pen,
        cumulated.margin_pen as abc_margin_pen,
        {{ ratio('cumulated.contribution_pen', 'cumulated.total_contribution_pen') }} as abc_margin_share,
        {{ ratio('cumulated.cumulative_contribution_pen', 'cumulated.total_contribution_pen') }}
            as abc_cumulative_margin_share,
        case
            when cumulated.contribution_pen <= 0 then 'C'
            when cumulated.cumulative_contribution_pen - cumulated.contribution_pen
                < {{ a_share }} * cumulated.total_contribution_pen then 'A'
            when cumulated.cumulative_contribution_pen - cumulated.contribution_pen
                < {{ b_share }} * cumulated.total_contribution_pen then 'B'
            else 'C'
        end as abc_class,
        bounds.window_start_date as abc_window_start_date,
        bounds.window_end_date as abc_window_end_date
    from cumulated
    cross join bounds

)

select * from final
