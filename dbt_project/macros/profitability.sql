{#
    The measures every mart_profitability_* model sums from fct_daily_sales, so that product,
    category, supplier and store read the same way. `alias` is the fct_daily_sales relation.
#}
{% macro sales_profitability_measures(alias) -%}
        cast(sum({{ alias }}.sold_qty) as numeric(16, 3)) as sold_qty,
        cast(sum({{ alias }}.returned_qty) as numeric(16, 3)) as returned_qty,
        cast(sum({{ alias }}.net_qty) as numeric(16, 3)) as net_qty,
        cast(sum({{ alias }}.gross_sales_pen) as numeric(16, 2)) as gross_sales_pen,
        cast(sum({{ alias }}.discount_pen) as numeric(16, 2)) as discount_pen,
        cast(sum({{ alias }}.net_sales_pen) as numeric(16, 2)) as net_sales_pen,
        cast(sum({{ alias }}.igv_pen) as numeric(16, 2)) as igv_pen,
        cast(sum({{ alias }}.cost_pen) as numeric(16, 2)) as cost_pen,
        cast(sum({{ alias }}.margin_pen) as numeric(16, 2)) as margin_pen
{%- endmacro %}

{# Inventory losses at cost from the kardex: mermas and desmedros, plus count differences. #}
{% macro inventory_loss_measures(alias) -%}
        cast(sum({{ alias }}.shrinkage_value_pen) as numeric(16, 2)) as shrinkage_pen,
        cast(sum(-{{ alias }}.count_adjustment_value_pen) as numeric(16, 2)) as count_loss_pen
{%- endmacro %}

{#
    The ratio and after-loss columns derived from the summed measures, given the CTE aliases of
    the sales and the losses side of a full outer join.
#}
{% macro profitability_ratios(sales, losses) -%}
        coalesce({{ sales }}.sold_qty, 0) as sold_qty,
        coalesce({{ sales }}.returned_qty, 0) as returned_qty,
        coalesce({{ sales }}.net_qty, 0) as net_qty,
        coalesce({{ sales }}.gross_sales_pen, 0) as gross_sales_pen,
        coalesce({{ sales }}.discount_pen, 0) as discount_pen,
        coalesce({{ sales }}.net_sales_pen, 0) as net_sales_pen,
        coalesce({{ sales }}.igv_pen, 0) as igv_pen,
        coalesce({{ sales }}.cost_pen, 0) as cost_pen,
        coalesce({{ sales }}.margin_pen, 0) as margin_pen,
        {{ innovalogix.ratio(sales ~ '.margin_pen', sales ~ '.net_sales_pen') }} as margin_pct,
        coalesce({{ losses }}.shrinkage_pen, 0) as shrinkage_pen,
        coalesce({{ losses }}.count_loss_pen, 0) as count_loss_pen,
        cast(
            coalesce({{ sales }}.margin_pen, 0)
            - coalesce({{ losses }}.shrinkage_pen, 0)
            - coalesce({{ losses }}.count_loss_pen, 0)
            as numeric(16, 2)
        ) as margin_after_losses_pen
{%- endmacro %}
