{#
    Identified customers, pseudonymized: the keyed pseudonym is the only identity here (no name,
    document, email or phone ever reaches the warehouse). Blocked customers (ARCO cancellation)
    stay for fiscal joins but are neither profiled nor contacted.
#}

with

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

consent_events as (

    select * from {{ ref('stg_erp__customer_consent_events') }}

),

identity_doc_types as (

    select * from {{ ref('sunat_identity_document_types') }}

),

sales as (

    select * from {{ ref('stg_erp__sales') }}

),

consent_history as (

    select
        customer_id,
        count(*) as consent_events_count,
        max(recorded_at) as last_consent_event_at
    from consent_events
    group by customer_id

),

purchases as (

    select
        customer_id,
        min(sale_date) as first_purchase_date,
        max(sale_date) as last_purchase_date,
        count(*) as purchases_count
    from sales
    where customer_id is not null
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.customer_pseudonym,
        customers.identity_doc_type,
        identity_doc_types.identity_doc_type_name,
        customers.is_business,
        customers.has_marketing_consent,
        customers.consent_given_at,
        customers.consent_revoked_at,
        customers.is_blocked,
        not customers.is_blocked as is_profilable,
        customers.has_marketing_consent and not customers.is_blocked as is_marketable,
        coalesce(consent_history.consent_events_count, 0) as consent_events_count,
        consent_history.last_consent_event_at,
        purchases.first_purchase_date,
        purchases.last_purchase_date,
        coalesce(purchases.purchases_count, 0) as purchases_count,
        customers.created_at,
        customers.updated_at
    from customers
    left join identity_doc_types
        on customers.identity_doc_type = identity_doc_types.identity_doc_type
    left join consent_history
        on customers.customer_id = consent_history.customer_id
    left join purchases
        on customers.customer_id = purchases.customer_id

)

select * from final
