{#
    Each product's list price as periods of constant price, from the prices its sale lines were
    priced at (int_products__observed_list_prices): a period starts on the first day a new price
    is seen and lasts until the day before the next one. The first period reaches back before
    the first sale (null start: the earliest price known stands for the days before it), the
    last one forward (null end). A few periods per product, so a day finds its price by a range
    join on both targets instead of an as-of search over every observed day.
#}

with

observed as (

    select * from {{ ref('int_products__observed_list_prices') }}

),

compared as (

    select
        product_id,
        price_date,
        list_price_pen,
        lag(list_price_pen) over (partition by product_id order by price_date)
            as previous_price_pen
    from observed

),

changes as (

    select
        product_id,
        price_date,
        list_price_pen,
        previous_price_pen is null as is_first
    from compared
    where previous_price_pen is null or previous_price_pen <> list_price_pen

),

final as (

    select
        product_id,
        case when is_first then null else price_date end as valid_from_date,
        price_date as first_seen_date,
        {{ innovalogix.add_days(
            'lead(price_date) over (partition by product_id order by price_date)', -1
        ) }} as valid_to_date,
        list_price_pen
    from changes

)

select * from final
