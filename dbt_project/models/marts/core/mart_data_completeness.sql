{#
    Which days the warehouse holds whole, per store. The copy of the core was read at the
    watermark (the extract's last load; see the macro extract_watermark_at); a business day is
    complete once it has ended in Lima before that instant, so the day the watermark falls in is
    partial, and the last complete day is the one before it (or the latest day with data, when
    nothing was recorded after it: no data is not zero sales). Without an extract log, the latest
    operation recorded anywhere in the chain stands in for the watermark (a lower bound: the
    copy was read no earlier). Only the watermark's date is kept: the instant changes with every
    extract, the days it makes complete only once a day. See docs/DECISIONLOG.md: forecasts fit
    on days up to last_complete_date only.
#}

with

stores as (

    select * from {{ ref('stg_erp__stores') }}

),

sales as (

    select store_id, sale_date, sold_at from {{ ref('stg_erp__sales') }}

),

kardex as (

    select store_id, movement_date, moved_at from {{ ref('stg_erp__kardex') }}

),

returns as (

    select returned_at from {{ ref('stg_erp__returns') }}

),

store_sales as (

    select
        store_id,
        min(sale_date) as first_sale_date,
        max(sale_date) as last_sale_date
    from sales
    group by store_id

),

store_movements as (

    select
        store_id,
        max(movement_date) as last_movement_date
    from kardex
    group by store_id

),

operations as (

    select
        (select min(sale_date) from sales) as first_sale_date,
        (select min(movement_date) from kardex) as first_movement_date,
        (select max(sale_date) from sales) as last_sale_date,
        (select max(movement_date) from kardex) as last_movement_date,
        (select max(sold_at) from sales) as last_sold_at,
        (select max(moved_at) from kardex) as last_moved_at,
        (select max(returned_at) from returns) as last_returned_at,
        {{ innovalogix.extract_watermark_at() }} as extracted_at

),

chain as (

    select
        coalesce(
            least(first_sale_date, first_movement_date), first_sale_date, first_movement_date
        ) as data_start_date,
        coalesce(
            greatest(last_sale_date, last_movement_date), last_sale_date, last_movement_date
        ) as latest_data_date,
        coalesce(
            extracted_at,
            greatest(
                coalesce(last_sold_at, last_moved_at, last_returned_at),
                coalesce(last_moved_at, last_sold_at, last_returned_at),
                coalesce(last_returned_at, last_sold_at, last_moved_at)
            )
        ) as watermark_at,
        case
            when extracted_at is not null then {{ innovalogix.extract_watermark_source() }}
            else 'latest_operation'
        end as watermark_source
    from operations

),

dates as (

    select
        data_start_date,
        latest_data_date,
        watermark_at,
        watermark_source,
        {{ innovalogix.lima_date('watermark_at') }} as watermark_date,
        case
            when latest_data_date < {{ innovalogix.lima_date('watermark_at') }}
                then latest_data_date
            else {{ innovalogix.add_days(innovalogix.lima_date('watermark_at'), -1) }}
        end as last_complete_date
    from chain

),

final as (

    select
        stores.store_id,
        stores.store_code,
        stores.is_warehouse,
        store_sales.first_sale_date,
        store_sales.last_sale_date,
        store_movements.last_movement_date,
        dates.data_start_date,
        dates.latest_data_date,
        dates.watermark_source,
        dates.watermark_date,
        dates.last_complete_date,
        dates.latest_data_date > dates.last_complete_date as is_latest_day_partial,
        {{ innovalogix.add_days('dates.last_complete_date', 1) }} as forecast_start_date,
        {{ innovalogix.add_days('dates.last_complete_date', var('forecast_horizon_days')) }}
            as forecast_end_date
    from stores
    cross join dates
    left join store_sales
        on stores.store_id = store_sales.store_id
    left join store_movements
        on stores.store_id = store_movements.store_id

)

select * from final
