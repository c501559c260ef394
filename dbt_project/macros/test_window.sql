{#
    Tests over recent rows only, for the hourly refresh.

    The incremental marts rebuild a few trailing days every hour; testing every row of every
    fact each time would cost more than the build. When DBT_TEST_WINDOW_START is set (a date,
    YYYY-MM-DD; the Dagster dbt asset sets it in the hourly refresh to the first day that run
    rebuilt), the tests of a model whose config names a `test_window_column` (meta) check only
    the rows with that column on or after the date, and the singular tests filter their facts
    with `test_window_filter`. Unset (the nightly run, a full refresh, a plain `dbt build`),
    every test checks whole relations.

    The variable is read only while tests execute, never while dbt parses, so setting it does not
    invalidate dbt's partial parse (a --vars change would re-parse the whole project).
#}

{% macro test_window_start() -%}
    {%- set start = env_var('DBT_TEST_WINDOW_START', '') if execute else '' -%}
    {%- if start and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', start) -%}
        {{ exceptions.raise_compiler_error("DBT_TEST_WINDOW_START must be a date YYYY-MM-DD, not '" ~ start ~ "'") }}
    {%- endif -%}
    {{ return(start or none) }}
{%- endmacro %}


{# A condition keeping the rows of the test window (true when tests check whole relations). #}
{% macro test_window_filter(column) -%}
    {%- set start = innovalogix.test_window_start() -%}
    {%- if start -%}
        {{ column }} >= cast('{{ start }}' as date)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{# The window column of the model a generic test is attached to, or none. #}
{% macro test_window_column(test_node) -%}
    {%- set attached = test_node.get('attached_node') if test_node is mapping else test_node.attached_node -%}
    {%- set parent = graph.nodes.get(attached) if attached else none -%}
    {%- if parent is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set meta = (parent.get('config') or {}).get('meta') or parent.get('meta') or {} -%}
    {{ return(meta.get('test_window_column')) }}
{%- endmacro %}


{#
    Overrides dbt's get_where_subquery (the relation a generic test reads): the test's own
    `where` config, and the test window of its model.
#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if execute and innovalogix.test_window_start() -%}
        {%- set column = innovalogix.test_window_column(model) -%}
        {%- if column -%}
            {%- do conditions.append(innovalogix.test_window_filter(column)) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
