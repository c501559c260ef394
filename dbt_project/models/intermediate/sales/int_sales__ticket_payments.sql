{# One row per sale: what was paid and with which method (the largest payment wins). #}

with

payments as (

    select * from {{ ref('stg_erp__sale_payments') }}

),

ranked as (

    select
        sale_id,
        sale_date,
        payment_method_code,
        amount_pen,
        -- sale_date adds nothing to the partition (a sale has one date) but lets a filter on
        -- the date reach the scan below the window
        row_number() over (
            partition by sale_id, sale_date
            order by amount_pen desc, payment_method_code
        ) as method_rank
    from payments

),

final as (

    select
        sale_id,
        sale_date,
        max(case when method_rank = 1 then payment_method_code end) as main_payment_method_code,
        count(distinct payment_method_code) as payment_methods_count,
        cast(sum(amount_pen) as numeric(14, 2)) as paid_pen
    from ranked
    group by sale_id, sale_date

)

select * from final
