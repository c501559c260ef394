{#
    The promotion a till applies to each product × store × day a promotion covers: the deepest
    discount among the promotions of that store or of every store (ties: the store's own, then
    the older promotion), as the core's sale functions choose it. Selling stores only.
#}

with

promotions as (

    select * from {{ ref('stg_erp__promotions') }}

),

stores as (

    select store_id from {{ ref('stg_erp__stores') }}
    where not is_warehouse

),

calendar as (

    select date_day from {{ ref('dim_date') }}

),

covered as (

    select
        promotions.product_id,
        stores.store_id,
        calendar.date_day,
        promotions.promotion_id,
        promotions.discount_pct,
        row_number() over (
            partition by promotions.product_id, stores.store_id, calendar.date_day
            order by
                promotions.discount_pct desc,
                case when promotions.store_id is null then 1 else 0 end,
                promotions.promotion_id
        ) as preference
    from promotions
    inner join stores
        on promotions.store_id is null or promotions.store_id = stores.store_id
    inner join calendar
        on calendar.date_day between promotions.start_date and promotions.end_date

),

final as (

    select
        product_id,
        store_id,
        date_day,
        promotion_id,
        discount_pct
    from covered
    where preference = 1

)

select * from final
