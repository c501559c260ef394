{#
    The list price (with IGV, before discounts) the tills charged for each product on each day
    it sold: the core keeps only today's list price on the product, but every sale line records
    the list price it was priced at. Prices are chain-wide (the core has no store prices); on a
    day with several, the day's last line decides.
#}

with

sale_lines as (

    select product_id, sale_date, sale_line_id, list_price_pen
    from {{ ref('stg_erp__sale_lines') }}

),

final as (

    select
        product_id,
        sale_date as price_date,
        {{ innovalogix.arg_max('list_price_pen', 'sale_line_id') }} as list_price_pen
    from sale_lines
    group by product_id, sale_date

)

select * from final
