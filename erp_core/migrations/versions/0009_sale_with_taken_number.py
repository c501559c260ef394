"""A sale can carry a comprobante number its caller took under the serie's lock (bulk imports).

An import writes thousands of sales in one transaction, and each sale numbered itself: one
update of the serie's row per sale. Every update leaves a row version that no one can prune
while the transaction runs, and each next sale walked all of them to find the row (twice: the
lookup and the update), so the import slowed down with every ticket (measured: 1.75 ms of
server CPU a ticket at 5,000 rows, 2.45 ms at 80,000, 43 % of it walking the serie's versions).
Now the import locks each serie once, numbers its sales itself and writes the serie's last
number once at the end (``services/numbering.py``, ``SerieBlock``). ``post_sale`` takes that
number as ``p_number``; without it, it numbers as before.

``register_comprobante_number`` records such a number: the serie must be the store's, of the
comprobante's type, and the number past the serie's last one; ``issued_documents``' unique key
refuses a number given twice.

``post_sale`` keeps one copy of its text: this revision changes its signature and its numbering
against the text 0005 wrote (with 0006's change), and puts 0006's back on downgrade.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from alembic import op

from erp_core.migration_text import revision_module

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

REGISTER = r"""
create function register_comprobante_number(
    p_store_id bigint, p_doc_type char(2), p_issued_on date, p_serie text, p_number integer)
returns table (serie char(4), number integer)
language plpgsql as $$
#variable_conflict use_column
declare
    v_last integer;
begin
    select s.last_number into v_last from comprobante_series s
    where length(p_serie) <= 4  -- the cast would truncate a longer one
      and s.serie = p_serie::char(4) and s.store_id = p_store_id and s.doc_type = p_doc_type;
    if not found then
        return;  -- no such serie: the caller says so
    end if;
    if p_number is null or p_number <= v_last then
        raise exception using errcode = 'IL422',
            message = format('number %s of serie %s was already taken', p_number, p_serie),
            detail = jsonb_build_object('field', 'number', 'value', p_number,
                'reason', format('serie %s has numbered up to %s', p_serie, v_last));
    end if;
    return query
    insert into issued_documents (serie, number, doc_type, issued_on)
    values (p_serie::char(4), p_number, p_doc_type, p_issued_on)
    returning serie, number;
end;
$$;
"""

OLD_SIGNATURE = "p_payment_methods text[], p_payment_amounts numeric[])"
NEW_SIGNATURE = (
    "p_payment_methods text[], p_payment_amounts numeric[], p_number integer default null)"
)
OLD_NUMBERING = """        select n.serie, n.number
        from next_comprobante_number(v_store_id, p_doc_type, p_sale_date, p_serie,
            case when p_doc_type = '01' then 'F' else 'B' end) n
"""
NEW_NUMBERING = """        select n.serie, n.number
        from next_comprobante_number(v_store_id, p_doc_type, p_sale_date, p_serie,
            case when p_doc_type = '01' then 'F' else 'B' end) n
        where p_number is null
        union all  -- a number the caller took under the serie's lock (migration 0009)
        select n.serie, n.number
        from register_comprobante_number(v_store_id, p_doc_type, p_sale_date, p_serie,
            p_number) n
        where p_number is not null
"""

ARGUMENTS = """text, text, char, text, date, timestamptz, bigint, text, text[], numeric[],
    numeric[], text[], numeric[]"""


def _post_sale_of_0006() -> str:
    """``post_sale`` as 0006 left it, as a ``create function``."""
    text = revision_module("0006_codes_not_truncated.py").post_sale_of_0006()
    return text.replace("create or replace function", "create function", 1)


def _post_sale_with_number() -> str:
    text = _post_sale_of_0006()
    for old, count in ((OLD_SIGNATURE, 1), (OLD_NUMBERING, 1)):
        assert text.count(old) == count, f"post_sale's text is not what 0009 expects: {old!r}"
    return text.replace(OLD_SIGNATURE, NEW_SIGNATURE).replace(OLD_NUMBERING, NEW_NUMBERING)


def upgrade() -> None:
    op.execute(REGISTER)
    op.execute(f"drop function post_sale({ARGUMENTS})")
    op.execute(_post_sale_with_number())


def downgrade() -> None:
    op.execute(f"drop function post_sale({ARGUMENTS}, integer)")
    op.execute(_post_sale_of_0006())
    op.execute("drop function register_comprobante_number(bigint, char, date, text, integer)")
