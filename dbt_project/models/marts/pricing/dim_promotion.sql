{#
    Price promotions as the core plans them: a discount on one product, in one store or every
    store, over a range of days, past or planned. Where they stand is read against the first day
    not yet complete (mart_data_completeness.forecast_start_date).
#}

with

promotions as (

    select * from {{ ref('stg_erp__promotions') }}

),

completeness as (

    select distinct forecast_start_date from {{ ref('mart_data_completeness') }}

),

final as (

    select
        promotions.promotion_id,
        promotions.promotion_name,
        promotions.product_id,
        promotions.store_id,
        promotions.store_id is null as is_all_stores,
        promotions.discount_pct,
        promotions.start_date,
        promotions.end_date,
        promotions.end_date - promotions.start_date + 1 as duration_days,
        case
            when promotions.end_date < completeness.forecast_start_date then 'finished'
            when promotions.start_date < completeness.forecast_start_date then 'running'
            else 'planned'
        end as promotion_status
    from promotions
    cross join completeness

)

select * from final
