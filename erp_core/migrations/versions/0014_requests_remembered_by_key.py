"""An idempotency key remembers its request; a supplier's guía is found by its number.

An idempotency key reused with a different request silently answered with the first
operation's result (a second sale under a till's reused key "succeeded" without being written).
``idempotency_keys.request_hash`` keeps a fingerprint of the request the key was claimed for
(``services.idempotency.fingerprint``): a true retry still gets the stored result, another
request under the same key is refused naming the key. ``post_sale`` and ``post_sales`` take the
fingerprint as their last argument (``p_request``, ``p_requests``) and refuse a replay whose
fingerprint differs with IL422 on the field ``idempotency_key``. Keys claimed before this
revision have no fingerprint and answer as before.

The same supplier guía (RUC + serie-number) could be received twice under two keys, doubling
the stock: a receipt now looks its guía up (``services.purchasing``) through
``goods_receipts_guide_idx``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op

from erp_core.migration_text import revision_module

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SCHEMA = """
alter table idempotency_keys add column request_hash text;
create index goods_receipts_guide_idx on goods_receipts (supplier_id, serie, number);
"""

POST_SALE_ARGUMENTS = """text, text, char, text, date, timestamptz, bigint, text, text[], numeric[],
    numeric[], text[], numeric[], integer"""
POST_SALES_ARGUMENTS = """text[], text[], text[], text[], date[], timestamptz[], bigint[], text[],
    integer[], integer[], text[], numeric[], numeric[], integer[], text[], numeric[]"""

POST_SALE_CHANGES = [
    (
        "p_payment_methods text[], p_payment_amounts numeric[], p_number integer default null)",
        "p_payment_methods text[], p_payment_amounts numeric[], p_number integer default null,\n"
        "    p_request text default null)",
    ),
    ("    v_result jsonb;\n", "    v_result jsonb;\n    v_request text;\n"),
    (
        """        insert into idempotency_keys (key, operation, result)
        values (p_key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', p_sale_date))
""",
        """        insert into idempotency_keys (key, operation, result, request_hash)
        values (p_key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', p_sale_date), p_request)
""",
    ),
    (
        """        select ik.operation, ik.result into v_operation, v_result
        from idempotency_keys ik where ik.key = p_key;
""",
        """        select ik.operation, ik.result, ik.request_hash into v_operation, v_result, v_request
        from idempotency_keys ik where ik.key = p_key;
""",
    ),
    (
        """                    'reason', format('was already used for %s, not sale', v_operation));
        end if;
""",
        """                    'reason', format('was already used for %s, not sale', v_operation));
        end if;
        if v_request <> p_request then  -- the same key, another sale (migration 0014)
            raise exception using errcode = 'IL422',
                message = format('idempotency key %s was already used for another sale', p_key),
                detail = jsonb_build_object('field', 'idempotency_key', 'value', p_key,
                    'reason', 'was already used for another sale request: a retry must repeat '
                        'the same request, a new operation needs a new key');
        end if;
""",
    ),
]

POST_SALES_CHANGES = [
    (
        "p_payment_sales integer[], p_payment_methods text[], p_payment_amounts numeric[])",
        "p_payment_sales integer[], p_payment_methods text[], p_payment_amounts numeric[],\n"
        "    p_requests text[] default null)",
    ),
    (
        """        insert into idempotency_keys (key, operation, result)
        select k.key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', k.sale_date)
""",
        """        insert into idempotency_keys (key, operation, result, request_hash)
        select k.key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', k.sale_date), p_requests[k.i]
""",
    ),
    (
        """            case when ik.operation <> 'sale' then 'IL422' end,
            case when ik.operation <> 'sale' then
                format('idempotency key %s was already used for %s', ik.key, ik.operation) end,
            case when ik.operation <> 'sale' then
                jsonb_build_object('field', 'idempotency_key', 'value', ik.key,
                    'reason', format('was already used for %s, not sale', ik.operation)) end
""",
        """            case when ik.operation <> 'sale' or ik.request_hash <> p_requests[k.s]
                then 'IL422' end,
            case when ik.operation <> 'sale' then
                format('idempotency key %s was already used for %s', ik.key, ik.operation)
                when ik.request_hash <> p_requests[k.s] then
                format('idempotency key %s was already used for another sale', ik.key) end,
            case when ik.operation <> 'sale' then
                jsonb_build_object('field', 'idempotency_key', 'value', ik.key,
                    'reason', format('was already used for %s, not sale', ik.operation))
                when ik.request_hash <> p_requests[k.s] then
                jsonb_build_object('field', 'idempotency_key', 'value', ik.key,
                    'reason', 'was already used for another sale request: a retry must repeat '
                        'the same request, a new operation needs a new key') end
""",
    ),
]


def _replaced(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, f"the function's text is not what 0014 expects: {old!r}"
        text = text.replace(old, new)
    return text


def post_sale_of_0011() -> str:
    """``post_sale`` as 0011 left it, as a ``create function``."""
    m = revision_module("0011_sale_refusal_rules.py")
    declare = (m.POST_SALE_DECLARE, m.POST_SALE_DECLARE_NEW)
    return m._with_sale_refusal(
        m._post_sale_of_0009(), declare, m.POST_SALE_RULES, m.POST_SALE_RULES_NEW
    )


def post_sales_of_0011() -> str:
    """``post_sales`` as 0011 left it, as a ``create function``."""
    m = revision_module("0011_sale_refusal_rules.py")
    declare = (m.POST_SALES_DECLARE, m.POST_SALES_DECLARE_NEW)
    return m._with_sale_refusal(
        m._post_sales_of_0010(), declare, m.POST_SALES_RULES, m.POST_SALES_RULES_NEW
    )


def post_sale_of_0014() -> str:
    return _replaced(post_sale_of_0011(), POST_SALE_CHANGES)


def post_sales_of_0014() -> str:
    return _replaced(post_sales_of_0011(), POST_SALES_CHANGES)


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute(f"drop function post_sale({POST_SALE_ARGUMENTS})")
    op.execute(post_sale_of_0014())
    op.execute(f"drop function post_sales({POST_SALES_ARGUMENTS})")
    op.execute(post_sales_of_0014())


def downgrade() -> None:
    op.execute(f"drop function post_sales({POST_SALES_ARGUMENTS}, text[])")
    op.execute(post_sales_of_0011())
    op.execute(f"drop function post_sale({POST_SALE_ARGUMENTS}, text)")
    op.execute(post_sale_of_0011())
    op.execute("drop index goods_receipts_guide_idx")
    op.execute("alter table idempotency_keys drop column request_hash")
