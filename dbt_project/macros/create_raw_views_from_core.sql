{#
    Postgres target: expose the transactional core (schema `public` of the same database) as
    the `raw` schema the sources read, exactly as the DuckDB extract lays it out. The customers
    view carries no personal data (no *_enc columns, no blind index).

        dbt run-operation create_raw_views_from_core --target postgres
#}

{% macro raw_core_tables() %}
    {{ return([
        'stores', 'suppliers', 'product_departments', 'product_categories',
        'product_subcategories', 'products', 'customer_consent_events', 'payment_methods',
        'comprobante_series', 'issued_documents', 'promotions', 'sales', 'sale_lines',
        'sale_payments', 'returns', 'return_lines', 'purchase_orders', 'purchase_order_lines',
        'goods_receipts', 'goods_receipt_lines', 'transfers', 'transfer_lines',
        'inventory_adjustments', 'inventory_adjustment_lines', 'physical_counts',
        'physical_count_lines', 'stock_balances', 'kardex',
    ]) }}
{% endmacro %}

{% macro raw_customer_columns() %}
    {{ return([
        'customer_id', 'doc_type', 'pseudonym', 'is_business', 'marketing_consent',
        'consent_given_at', 'consent_revoked_at', 'is_blocked', 'created_at', 'updated_at',
    ]) }}
{% endmacro %}

{% macro create_raw_views_from_core(core_schema='public') %}
    {% if target.type != 'postgres' %}
        {{ exceptions.raise_compiler_error(
            "create_raw_views_from_core is for the postgres target; on DuckDB the extract loads raw.*") }}
    {% endif %}
    {% set raw_schema = var('raw_schema') %}
    {% set statements = ['create schema if not exists ' ~ adapter.quote(raw_schema)] %}
    {% for table in innovalogix.raw_core_tables() %}
        {% do statements.append(
            'create or replace view ' ~ adapter.quote(raw_schema) ~ '.' ~ adapter.quote(table)
            ~ ' as select * from ' ~ adapter.quote(core_schema) ~ '.' ~ adapter.quote(table)) %}
    {% endfor %}
    {% do statements.append(
        'create or replace view ' ~ adapter.quote(raw_schema) ~ '.' ~ adapter.quote('customers')
        ~ ' as select ' ~ (innovalogix.raw_customer_columns() | join(', '))
        ~ ' from ' ~ adapter.quote(core_schema) ~ '.' ~ adapter.quote('customers')) %}
    {% for statement in statements %}
        {% do run_query(statement) %}
    {% endfor %}
    {{ log("created " ~ (statements | length - 1) ~ " views in schema " ~ raw_schema ~ " over " ~ core_schema, info=true) }}
{% endmacro %}
