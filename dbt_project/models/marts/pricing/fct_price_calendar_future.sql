{#
    The planned prices of each listed product in each selling store on the days after the
    history, up to the end of the forecast horizon (mart_data_completeness.forecast_end_date,
    `forecast_horizon_days` past the last complete day): today's list price and the promotions
    the core already holds for those days. Forecasts read these as known-future regressors.
    Same columns as fct_price_calendar (is_future true), so the two stack with `union all`.

    A table rebuilt every run (a few weeks of days): promotions planned or changed since the
    last run show at once, and the history's trailing days stay an incremental model.
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

    select distinct latest_data_date, forecast_end_date
    from {{ ref('mart_data_completeness') }}

),

promotion_days as not materialized (

    select * from {{ ref('int_promotions__store_days') }}

),

product_days as (

    select
        products.product_id,
        calendar.date_day,
        products.list_price_pen
    from products
    cross join completeness
    inner join calendar
        on
            calendar.date_day > completeness.latest_data_date
            and calendar.date_day <= completeness.forecast_end_date
            and calendar.date_day >= coalesce(products.listed_date, calendar.date_day)
            and calendar.date_day < coalesce(products.delisted_date, cast('9999-12-31' as date))

),

final as (

    select
        product_days.date_day,
        product_days.product_id,
        stores.store_id,
        cast(product_days.list_price_pen as numeric(14, 2)) as regular_price_pen,
        cast(
            round(
                product_days.list_price_pen
                * (100 - coalesce(promotion_days.discount_pct, 0)) * 0.01,
                2
            ) as numeric(14, 2)
        ) as effective_price_pen,
        cast(coalesce(promotion_days.discount_pct, 0) as numeric(5, 2)) as discount_pct,
        promotion_days.promotion_id,
        promotion_days.promotion_id is not null as is_promotion,
        true as is_future,
        'list_price' as regular_price_source
    from product_days
    inner join stores
        on product_days.date_day >= stores.opened_date
    left join promotion_days
        on
            product_days.product_id = promotion_days.product_id
            and stores.store_id = promotion_days.store_id
            and product_days.date_day = promotion_days.date_day

)

select * from final
