{{ config(meta={'dagster': {'ref': {'name': 'dim_date'}}}) }}

-- dim_date covers every business date in the data and at least 90 days ahead of the latest
-- one; when this fails, extend the seed with scripts/make_calendar_seed.py.

with

calendar as (

    select
        min(date_day) as first_date,
        max(date_day) as last_date
    from {{ ref('dim_date') }}

),

data_dates as (

    select min(transaction_date) as first_date, max(transaction_date) as last_date
    from {{ ref('fct_sales_lines') }}
    union all
    select min(movement_date), max(movement_date)
    from {{ ref('fct_inventory_movements') }}

)

select
    data_dates.first_date,
    data_dates.last_date,
    calendar.first_date as calendar_first_date,
    calendar.last_date as calendar_last_date
from data_dates
cross join calendar
where
    data_dates.first_date < calendar.first_date
    or {{ add_days('data_dates.last_date', 90) }} > calendar.last_date
