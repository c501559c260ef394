-- IGV is 18 % of the taxable base within a cent on gravado lines (sales and returns), and zero
-- on exonerado and inafecto lines; base + IGV is what the customer paid.

with

lines as (

    select * from {{ ref('fct_sales_lines') }}
    where {{ test_window_filter('transaction_date') }}

)

select
    sales_line_key,
    igv_affectation,
    net_sales_pen,
    igv_pen,
    total_with_igv_pen
from lines
where
    (igv_affectation = '10' and abs(igv_pen - round(net_sales_pen * 0.18, 2)) > 0.01)
    or (igv_affectation <> '10' and igv_pen <> 0)
    or net_sales_pen + igv_pen <> total_with_igv_pen
