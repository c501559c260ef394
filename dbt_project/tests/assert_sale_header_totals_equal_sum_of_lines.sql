{{ config(meta={'dagster': {'ref': {'name': 'stg_erp__sales'}}}) }}

-- Every sale header equals the sum of its lines: total paid, IGV, discount, the taxable base of
-- the gravado lines and the value of the exonerado/inafecto lines. A header without lines fails.

with

sales as (

    select * from {{ ref('stg_erp__sales') }}
    where {{ test_window_filter('sale_date') }}

),

sale_lines as (

    select * from {{ ref('stg_erp__sale_lines') }}
    where {{ test_window_filter('sale_date') }}

),

line_sums as (

    select
        sale_id,
        sale_date,
        sum(line_total_pen) as total_pen,
        sum(igv_pen) as igv_pen,
        sum(discount_pen) as discount_pen,
        sum(case when igv_affectation = '10' then taxable_pen else 0 end) as taxable_pen,
        sum(case when igv_affectation <> '10' then taxable_pen else 0 end) as exempt_pen
    from sale_lines
    group by sale_id, sale_date

)

select
    sales.sale_id,
    sales.sale_date,
    sales.total_pen as header_total_pen,
    line_sums.total_pen as lines_total_pen,
    sales.igv_pen as header_igv_pen,
    line_sums.igv_pen as lines_igv_pen,
    sales.taxable_pen as header_taxable_pen,
    line_sums.taxable_pen as lines_taxable_pen,
    sales.exempt_pen as header_exempt_pen,
    line_sums.exempt_pen as lines_exempt_pen,
    sales.discount_pen as header_discount_pen,
    line_sums.discount_pen as lines_discount_pen
from sales
left join line_sums
    on
        sales.sale_id = line_sums.sale_id
        and sales.sale_date = line_sums.sale_date
where
    line_sums.sale_id is null
    or sales.total_pen <> line_sums.total_pen
    or sales.igv_pen <> line_sums.igv_pen
    or sales.taxable_pen <> line_sums.taxable_pen
    or sales.exempt_pen <> line_sums.exempt_pen
    or sales.discount_pen <> line_sums.discount_pen
    or sales.total_pen <> sales.taxable_pen + sales.exempt_pen + sales.igv_pen
