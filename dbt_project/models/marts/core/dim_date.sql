{# The Peruvian retail calendar, one row per day (2020-2030), from the calendar seed; its event
   windows are erp_core.retail_calendar's, the ones the demo generator plants. #}

with

calendar as (

    select * from {{ ref('peru_calendar') }}

),

final as (

    select
        date_day,
        date_id,
        year,
        quarter,
        month,
        month_name,
        day_of_month,
        day_of_week,
        day_name,
        day_of_year,
        iso_year,
        iso_week,
        week_start_date,
        month_start_date,
        month_end_date,
        ple_period,
        is_weekend,
        is_holiday,
        nullif(holiday_name, '') as holiday_name,
        not is_weekend and not is_holiday as is_working_day,
        is_long_weekend,
        is_quincena_payday,
        is_end_of_month_payday,
        is_payday,
        days_since_payday,
        is_gratificacion_month,
        is_gratificacion_payday,
        season,
        is_summer,
        is_winter,
        is_campana_escolar,
        is_semana_santa,
        is_dia_de_la_madre,
        is_dia_de_la_madre_week,
        is_dia_del_padre,
        is_dia_del_padre_week,
        is_fiestas_patrias,
        is_fiestas_patrias_campaign,
        is_cyber_wow,
        is_black_friday,
        is_navidad_previa,
        is_navidad_campaign,
        is_gratificacion_diciembre,
        is_navidad,
        is_ano_nuevo,
        is_ano_nuevo_campaign,
        nullif(retail_event, '') as retail_event
    from calendar

)

select * from final
