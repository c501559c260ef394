with

source as (

    select * from {{ source('erp', 'customers') }}

),

renamed as (

    select
        cast(customer_id as bigint) as customer_id,
        cast(doc_type as varchar) as identity_doc_type,
        cast(pseudonym as varchar) as customer_pseudonym,
        cast(is_business as boolean) as is_business,
        cast(marketing_consent as boolean) as has_marketing_consent,
        cast(consent_given_at as timestamp with time zone) as consent_given_at,
        cast(consent_revoked_at as timestamp with time zone) as consent_revoked_at,
        cast(is_blocked as boolean) as is_blocked,
        cast(created_at as timestamp with time zone) as created_at,
        cast(updated_at as timestamp with time zone) as updated_at

    from source

)

select * from renamed
