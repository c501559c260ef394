{{ config(meta={'dagster': {'ref': {'name': 'dim_customer'}}}) }}
-- depends_on: {{ ref('dim_customer') }}
-- (so that dbt selects it with dim_customer when a run builds only part of the project)

-- No column that could carry personal data exists in the raw, staging, intermediate or mart
-- schemas: encrypted values, blind indexes, document numbers, names, emails or phones of
-- customers. The pseudonym is the only customer identity the warehouse holds.

select
    table_schema,
    table_name,
    column_name
from information_schema.columns
where
    lower(table_schema) in (
        '{{ var("raw_schema") }}', 'staging', 'intermediate', 'marts'
    )
    and (
        lower(column_name) like '%\_enc' escape '\'
        or lower(column_name) like '%blind%'
        or lower(column_name) like '%email%'
        or lower(column_name) like '%phone%'
        or lower(column_name) like '%doc\_number%' escape '\'
        or (lower(table_name) like '%customer%' and lower(column_name) in ('name', 'customer_name'))
    )
