{#
    SQL that differs between DuckDB and Postgres, behind adapter.dispatch. Everything else in
    the project is written in the common subset and built on both targets by
    tests/dbt/test_dbt_project.py.
#}

{# The value of `value_expr` on the row with the greatest `order_expr` within a group. #}
{% macro arg_max(value_expr, order_expr) -%}
    {{ return(adapter.dispatch('arg_max', 'innovalogix')(value_expr, order_expr)) }}
{%- endmacro %}

{% macro default__arg_max(value_expr, order_expr) -%}
    (array_agg({{ value_expr }} order by {{ order_expr }} desc))[1]
{%- endmacro %}

{% macro duckdb__arg_max(value_expr, order_expr) -%}
    arg_max({{ value_expr }}, {{ order_expr }})
{%- endmacro %}


{# A date plus a whole number of days, still a date. #}
{% macro add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days', 'innovalogix')(date_expr, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expr, days) -%}
    cast(({{ date_expr }}) + cast({{ days }} as integer) as date)
{%- endmacro %}


{# The first day of the month of a date, as a date (Postgres' date_trunc returns a timestamp). #}
{% macro month_start(date_expr) -%}
    {{ return(adapter.dispatch('month_start', 'innovalogix')(date_expr)) }}
{%- endmacro %}

{% macro default__month_start(date_expr) -%}
    cast(date_trunc('month', {{ date_expr }}) as date)
{%- endmacro %}


{#
    A ratio as numeric(18, scale), rounded half away from zero like SUNAT's half-up on
    positive amounts, null when the denominator is zero or null. Postgres divides numerics
    exactly; DuckDB divides decimals as doubles (163.105 would round to 163.10), so there the
    quotient is computed on integers (operands with up to 6 decimals).
#}
{% macro ratio(numerator, denominator, scale=4) -%}
    {{ return(adapter.dispatch('ratio', 'innovalogix')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__ratio(numerator, denominator, scale) -%}
    cast(round(cast({{ numerator }} as numeric(38, 10)) / nullif({{ denominator }}, 0), {{ scale }}) as numeric(18, {{ scale }}))
{%- endmacro %}

{% macro duckdb__ratio(numerator, denominator, scale) -%}
    {%- set n = 'cast(round((' ~ numerator ~ ') * 1000000) as hugeint)' -%}
    {%- set d = 'cast(round((' ~ denominator ~ ') * 1000000) as hugeint)' -%}
    {%- set step = '0.' ~ ('0' * (scale - 1)) ~ '1' if scale > 0 else '1' -%}
    case
        when ({{ denominator }}) <> 0 then cast(
            cast(
                sign({{ n }}) * sign({{ d }})
                * ((abs({{ n }}) * {{ 2 * 10 ** scale }} + abs({{ d }})) // (2 * abs({{ d }})))
                as decimal(38, 0)
            ) * cast('{{ step }}' as decimal(38, {{ scale }}))
            as numeric(18, {{ scale }})
        )
    end
{%- endmacro %}


{#
    The first date an incremental model (re)builds: `lookback` days before the latest date it
    already holds, so late-loaded days are replaced (delete+insert by date). Only valid inside
    an is_incremental() branch.

    Looked up when the model runs and written into its SQL as a date literal: a literal filter
    reaches down through the views to the scans of the raw tables, where a scalar subquery makes
    the database compute every row of the views first (all the sales, to keep three days).

    An empty table (built before the chain's first sale or movement) has no latest date: then
    the start is the earliest date, so the run loads everything there is. A null start would
    filter every row out, on this run and all later ones, until a full refresh.
#}
{% macro incremental_start_date(date_column, lookback=none) -%}
    {%- set days = var('incremental_lookback_days') if lookback is none else lookback -%}
    {%- set start_sql -%}
        select {{ innovalogix.add_days('max(' ~ date_column ~ ')', 1 - days | int) }} from {{ this }}
    {%- endset -%}
    {%- if execute -%}
        {%- set start = run_query(start_sql).columns[0].values()[0] -%}
        {%- if start is none -%}
            cast('0001-01-01' as date)
        {%- else -%}
            cast('{{ start.isoformat() if start.isoformat is defined else start }}' as date)
        {%- endif -%}
    {%- else -%}
        ({{ start_sql }})
    {%- endif -%}
{%- endmacro %}


{# The distinct values of an id column as a sorted, comma-separated string ('3,17,42'). #}
{% macro string_agg_distinct_sorted(column) -%}
    {{ return(adapter.dispatch('string_agg_distinct_sorted', 'innovalogix')(column)) }}
{%- endmacro %}

{% macro default__string_agg_distinct_sorted(column) -%}
    string_agg(distinct cast({{ column }} as varchar), ',' order by cast({{ column }} as varchar))
{%- endmacro %}


{#
    `left` joined to the one row of `right` with the latest `right_date` on or before the
    row's `left_date`, among the rows of `right` with the same `keys` (an as-of join); the
    columns of `right`, named `alias`, are null when there is none. Used in a from clause:
    `from {{ asof_left_join('grid', 'daily_movements', 'last_movement', ['product_id'],
    'date_day', 'movement_date') }}`. Unique (keys, right_date) in `right` is assumed.

    DuckDB runs its ASOF join: both sides sorted once, memory bounded. Postgres looks the row
    up per left row (the lateral's `order by ... desc limit 1`), which wants an index on
    (keys, right_date) of `right`'s table.
#}
{% macro asof_left_join(left, right, alias, keys, left_date, right_date) -%}
    {{ return(adapter.dispatch('asof_left_join', 'innovalogix')(left, right, alias, keys, left_date, right_date)) }}
{%- endmacro %}

{% macro default__asof_left_join(left, right, alias, keys, left_date, right_date) -%}
    {{ left }}
    left join lateral (
        select *
        from {{ right }}
        where
            {% for key in keys -%}
            {{ right }}.{{ key }} = {{ left }}.{{ key }}
            and {% endfor -%}
            {{ right }}.{{ right_date }} <= {{ left }}.{{ left_date }}
        order by {{ right }}.{{ right_date }} desc
        limit 1
    ) as {{ alias }} on true
{%- endmacro %}

{% macro duckdb__asof_left_join(left, right, alias, keys, left_date, right_date) -%}
    {{ left }}
    asof left join {{ right }} as {{ alias }}
        on
            {% for key in keys -%}
            {{ left }}.{{ key }} = {{ alias }}.{{ key }}
            and {% endfor -%}
            {{ left }}.{{ left_date }} >= {{ alias }}.{{ right_date }}
{%- endmacro %}


{# The business date in Lima of an instant (timestamp with time zone). #}
{% macro lima_date(timestamp_expr) -%}
    cast(({{ timestamp_expr }}) at time zone 'America/Lima' as date)
{%- endmacro %}


{#
    When the warehouse's copy of the core was read: the data are complete up to this instant.
    DuckDB: the latest load of the extract (`pipeline_meta.extract_loads`, written in the
    extract's transaction, the moment it read the core), null where no extract ran (a raw
    schema copied by other means). Postgres: the raw views read the core live, so the build's
    own time. `extract_watermark_source()` names which.
#}
{% macro extract_watermark_at() -%}
    {{ return(adapter.dispatch('extract_watermark_at', 'innovalogix')()) }}
{%- endmacro %}

{% macro default__extract_watermark_at() -%}
    current_timestamp
{%- endmacro %}

{% macro duckdb__extract_watermark_at() -%}
    {%- set log = adapter.get_relation(database=this.database, schema='pipeline_meta', identifier='extract_loads') if execute else none -%}
    {%- if log is not none -%}
        (select max(loaded_at) from {{ log }})
    {%- else -%}
        cast(null as timestamp with time zone)
    {%- endif -%}
{%- endmacro %}

{% macro extract_watermark_source() -%}
    {{ return(adapter.dispatch('extract_watermark_source', 'innovalogix')()) }}
{%- endmacro %}

{% macro default__extract_watermark_source() -%}
    'live'
{%- endmacro %}

{% macro duckdb__extract_watermark_source() -%}
    'extract'
{%- endmacro %}
