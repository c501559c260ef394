{{ config(meta={'dagster': {'ref': {'name': 'stg_erp__returns'}}}) }}

-- Every return (nota de crédito) equals the sum of its lines, and no sale line is returned
-- beyond the quantity sold.

with

returns as (

    select * from {{ ref('stg_erp__returns') }}

),

return_lines as (

    select * from {{ ref('stg_erp__return_lines') }}

),

sale_lines as (

    select * from {{ ref('stg_erp__sale_lines') }}

),

line_sums as (

    select
        return_lines.return_id,
        sum(return_lines.line_total_pen) as total_pen,
        sum(return_lines.igv_pen) as igv_pen,
        sum(case when sale_lines.igv_affectation = '10' then return_lines.taxable_pen else 0 end)
            as taxable_pen,
        sum(case when sale_lines.igv_affectation <> '10' then return_lines.taxable_pen else 0 end)
            as exempt_pen
    from return_lines
    inner join sale_lines
        on return_lines.sale_line_id = sale_lines.sale_line_id
    group by return_lines.return_id

),

header_mismatches as (

    select
        'header' as failure,
        returns.return_id as failing_id
    from returns
    left join line_sums
        on returns.return_id = line_sums.return_id
    where
        line_sums.return_id is null
        or returns.total_pen <> line_sums.total_pen
        or returns.igv_pen <> line_sums.igv_pen
        or returns.taxable_pen <> line_sums.taxable_pen
        or returns.exempt_pen <> line_sums.exempt_pen

),

over_returned as (

    select
        'over_returned' as failure,
        sale_lines.sale_line_id as failing_id
    from return_lines
    inner join sale_lines
        on return_lines.sale_line_id = sale_lines.sale_line_id
    group by sale_lines.sale_line_id, sale_lines.sold_qty
    having sum(return_lines.returned_qty) > sale_lines.sold_qty

)

select * from header_mismatches
union all
select * from over_returned
