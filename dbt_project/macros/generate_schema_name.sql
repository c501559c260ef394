{#
    Models land in the schema their folder names (staging, intermediate, marts, reference),
    not in "<target schema>_<folder>": the warehouse is one database per environment, and
    dashboards read `marts.*` whatever the target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
