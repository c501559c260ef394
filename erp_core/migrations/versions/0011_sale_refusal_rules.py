"""The rules that refuse a priced sale, in one text for ``post_sale`` and ``post_sales``.

Once a sale is priced it can still be refused: its customer does not exist, a factura without
a customer with RUC, a boleta over S/ 700 without an identified buyer, payments that do not add
up to the total. ``post_sale`` (0005) and ``post_sales`` (0010) each wrote these four rules,
with their messages, and only tests held the two texts together. ``sale_refusal`` now holds
them, in the order they apply, and both functions ask it; each still raises (``post_sale``) or
records (``post_sales``) the refusal its own way. Python keeps the S/ 700 threshold for the
checks it makes before a call (``services.sales.IDENTIFIED_BOLETA_THRESHOLD``, the import).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from alembic import op

from erp_core.migration_text import between, revision_module

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SALE_REFUSAL = r"""
create type sale_refusal as (state text, message text, detail jsonb);

-- Why a priced sale is refused (SQLSTATE, message, JSON detail), or null: the first rule it
-- breaks, in this order. p_customer_doc: the customer's document type (6 = RUC).
create function sale_refusal(p_doc_type text, p_customer_id bigint, p_customer_found boolean,
    p_customer_doc text, p_total numeric, p_paid numeric)
returns sale_refusal
language plpgsql immutable as $$
begin
    if p_customer_id is not null and not p_customer_found then
        return ('IL404'::text, format('customer %s not found', p_customer_id),
            jsonb_build_object('entity', 'customer', 'key', p_customer_id));
    end if;
    if p_doc_type = '01' and p_customer_doc is distinct from '6' then  -- factura needs a RUC
        return ('IL422'::text, 'a factura requires a customer with RUC'::text,
            jsonb_build_object('field', 'customer_id', 'value', p_customer_id,
                'reason', 'a factura requires a customer with RUC'));
    end if;
    if p_doc_type = '03' and p_total > 700 and p_customer_id is null then
        return ('IL422'::text, 'the buyer must be identified'::text,
            jsonb_build_object('field', 'customer_id', 'value', null,
                'reason', format('a boleta of S/ %s (over S/ 700) must identify the buyer',
                    to_char(p_total, 'FM999,999,999,990.00'))));
    end if;
    if p_paid <> p_total then
        return ('IL422'::text, 'payments must add up to the total'::text,
            jsonb_build_object('field', 'payments', 'value', p_paid::text,
                'reason', format('payments must add up to the total %s', p_total)));
    end if;
    return null;
end;
$$;
"""

POST_SALE_DECLARE = """    v_number integer;
begin
"""
POST_SALE_DECLARE_NEW = """    v_number integer;
    v_customer_found boolean := false;
    v_refusal sale_refusal;
begin
"""
# The rules as 0005 wrote them in post_sale: from the customer's check to the valuation.
POST_SALE_RULES = ("    if p_customer_id is not null then\n", "\n    -- Value each line")
POST_SALE_RULES_NEW = """    if p_customer_id is not null then
        select c.doc_type into v_customer_doc from customers c where c.customer_id = p_customer_id;
        v_customer_found := found;
    end if;
    foreach v_amount in array p_payment_amounts loop
        v_paid := v_paid + round(v_amount, 2);
    end loop;
    v_refusal := sale_refusal(p_doc_type, p_customer_id, v_customer_found, v_customer_doc,
        v_total, v_paid);  -- migration 0011
    if v_refusal.state is not null then
        raise exception using errcode = v_refusal.state, message = v_refusal.message,
            detail = v_refusal.detail::text;
    end if;
"""

POST_SALES_DECLARE = """    v_keys integer;
begin
"""
POST_SALES_DECLARE_NEW = """    v_keys integer;
    r sale_refusal;
begin
"""
# ... and as 0010 wrote them in post_sales: from the customer's check to the valuation.
POST_SALES_RULES = (
    "        if p_customer_ids[s] is not null and not s_customer_found[s] then\n",
    "        keep_stock := b_stock;",
)
POST_SALES_RULES_NEW = """        r := sale_refusal(p_doc_types[s], p_customer_ids[s], s_customer_found[s],
            s_customer_docs[s], s_total[s], v_paid);  -- migration 0011
        if r.state is not null then
            s_state[s] := r.state;
            s_message[s] := r.message;
            s_detail[s] := r.detail;
            continue;
        end if;
"""

POST_SALE_ARGUMENTS = """text, text, char, text, date, timestamptz, bigint, text, text[], numeric[],
    numeric[], text[], numeric[], integer"""
POST_SALES_ARGUMENTS = """text[], text[], text[], text[], date[], timestamptz[], bigint[], text[],
    integer[], integer[], text[], numeric[], numeric[], integer[], text[], numeric[]"""


def _replaced(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, f"the function's text is not what 0011 expects: {old!r}"
        text = text.replace(old, new)
    return text


def _post_sale_of_0009() -> str:
    return revision_module("0009_sale_with_taken_number.py")._post_sale_with_number()


def _post_sales_of_0010() -> str:
    return revision_module("0010_post_sales.py").SCHEMA


def _with_sale_refusal(text: str, declare: tuple[str, str], rules: tuple[str, str],
                       new_rules: str) -> str:  # fmt: skip
    return _replaced(text, [declare, (between(text, *rules), new_rules)])


def upgrade() -> None:
    op.execute(SALE_REFUSAL)
    op.execute(f"drop function post_sale({POST_SALE_ARGUMENTS})")
    op.execute(_with_sale_refusal(_post_sale_of_0009(), (POST_SALE_DECLARE, POST_SALE_DECLARE_NEW),
                                  POST_SALE_RULES, POST_SALE_RULES_NEW))  # fmt: skip
    op.execute(f"drop function post_sales({POST_SALES_ARGUMENTS})")
    op.execute(_with_sale_refusal(_post_sales_of_0010(),
                                  (POST_SALES_DECLARE, POST_SALES_DECLARE_NEW),
                                  POST_SALES_RULES, POST_SALES_RULES_NEW))  # fmt: skip


def downgrade() -> None:
    op.execute(f"drop function post_sales({POST_SALES_ARGUMENTS})")
    op.execute(_post_sales_of_0010())
    op.execute(f"drop function post_sale({POST_SALE_ARGUMENTS})")
    op.execute(_post_sale_of_0009())
    op.execute(
        "drop function sale_refusal(text, bigint, boolean, text, numeric, numeric);"
        "drop type sale_refusal;"
    )
