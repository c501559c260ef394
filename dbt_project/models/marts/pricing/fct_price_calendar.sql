{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='date_day',
    )
}}

{#
    The price of each product in each selling store on each day of the history: the regular
    (list) price, with IGV, and the price after the promotion the till applied, from the chain's
    first day of data to its latest (mart_data_completeness), on the days the product was listed
    (from its launch to the day before its delisting) and the store open. The planned days after
    the history are in fct_price_calendar_future, same columns.

    Regular price: the core keeps only today's list price on the product, so a day's price is
    the one its sale lines were priced at (int_products__list_price_periods), carried forward
    over days without sales and back before the first; a product that never sold takes today's
    list price. See docs/DECISIONLOG.md.

    Incremental: delete+insert of the trailing `incremental_lookback_days` up to the latest day.
#}

with

products as (

    select product_id, list_price_pen, listed_date, delisted_date
    from {{ ref('stg_erp__products') }}

),

stores as (

    select store_id, opened_date from {{ ref('stg_erp__stores') }}
    where not is_warehouse

),

calendar as (

    select date_day from {{ ref('dim_date') }}

),

completeness as (

    select distinct data_start_date, latest_data_date
    from {{ ref('mart_data_completeness') }}

),

observed as not materialized (

    select * from {{ ref('int_products__observed_list_prices') }}

),

periods as (

    select * from {{ ref('int_products__list_price_periods') }}

),

promotion_days as not materialized (

    select * from {{ ref('int_promotions__store_days') }}

),

bounds as (

    select
        {% if is_incremental() %}
        case
            when {{ incremental_start_date('date_day') }} > data_start_date
                then {{ incremental_start_date('date_day') }}
            else data_start_date
        end as window_start_date,
        {% else %}
        data_start_date as window_start_date,
        {% endif %}
        latest_data_date as window_end_date
    from completeness

),

{#- Each product on each day of the window it was listed. #}
product_days as (

    select
        products.product_id,
        calendar.date_day,
        products.list_price_pen
    from products
    cross join bounds
    inner join calendar
        on
            calendar.date_day between bounds.window_start_date and bounds.window_end_date
            and calendar.date_day >= coalesce(products.listed_date, bounds.window_start_date)
            and calendar.date_day < coalesce(products.delisted_date, cast('9999-12-31' as date))

),

product_prices as (

    select
        product_days.product_id,
        product_days.date_day,
        coalesce(periods.list_price_pen, product_days.list_price_pen) as regular_price_pen,
        case
            when observed.product_id is not null then 'sale_lines'
            when product_days.date_day > periods.first_seen_date then 'carried_forward'
            when periods.product_id is not null then 'carried_back'
            else 'list_price'
        end as regular_price_source
    from product_days
    {#- Bounds without nulls and no `or`: an equi-join on the product with the range as a
        residual (with `or`, DuckDB compared every product-day with every period). #}
    left join periods
        on
            product_days.product_id = periods.product_id
            and product_days.date_day >= coalesce(periods.valid_from_date, cast('0001-01-01' as date))
            and product_days.date_day <= coalesce(periods.valid_to_date, cast('9999-12-31' as date))
    left join observed
        on
            product_days.product_id = observed.product_id
            and product_days.date_day = observed.price_date

),

final as (

    select
        product_prices.date_day,
        product_prices.product_id,
        stores.store_id,
        cast(product_prices.regular_price_pen as numeric(14, 2)) as regular_price_pen,
        cast(
            round(
                product_prices.regular_price_pen
                * (100 - coalesce(promotion_days.discount_pct, 0)) * 0.01,
                2
            ) as numeric(14, 2)
        ) as effective_price_pen,
        cast(coalesce(promotion_days.discount_pct, 0) as numeric(5, 2)) as discount_pct,
        promotion_days.promotion_id,
        promotion_days.promotion_id is not null as is_promotion,
        false as is_future,
        product_prices.regular_price_source
    from product_prices
    inner join stores
        on product_prices.date_day >= stores.opened_date
    left join promotion_days
        on
            product_prices.product_id = promotion_days.product_id
            and stores.store_id = promotion_days.store_id
            and product_prices.date_day = promotion_days.date_day

)

{#- Stored in day order, so a reader's filter on days skips the other days' row groups (DuckDB's
    zone maps: the dashboards' latest-day and recent-window reads); each incremental run deletes
    its trailing days and appends them, in the same order, at the end. #}
select * from final
order by date_day, store_id, product_id
