"""``next_comprobante_number`` no longer truncates the serie it is given.

Since 0004 the terminal's serie was cast to ``char(4)`` to look it up by its unique index, and
that cast truncates: a sale asking for serie ``B0011`` was numbered on serie ``B001``. A serie is
exactly 4 characters (``comprobante_series``' check), so a longer or shorter one now finds no
serie, and a sale refuses it (P0002) instead of numbering another serie's comprobante.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from alembic import op

from erp_core.migration_text import between, revision_module

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = r"""
create or replace function next_comprobante_number(
    p_store_id bigint, p_doc_type char(2), p_issued_on date,
    p_serie text default null, p_letter text default null
) returns table (serie char(4), number integer)
language plpgsql as $$
#variable_conflict use_column
declare
    v_series_id bigint;
begin
    if p_serie is not null then  -- the terminal's serie: one unique-index lookup
        select series_id into v_series_id from comprobante_series
        where length(p_serie) = 4  -- the cast below would truncate a longer one
          and serie = p_serie::char(4) and store_id = p_store_id and doc_type = p_doc_type;
    else
        select series_id into v_series_id from comprobante_series
        where store_id = p_store_id and doc_type = p_doc_type
          and (p_letter is null or serie like p_letter || '%')
        order by serie limit 1;
    end if;
    return query
    with numbered as (
        update comprobante_series set last_number = last_number + 1
        where series_id = v_series_id
        returning serie, last_number
    ),
    registered as (
        insert into issued_documents (serie, number, doc_type, issued_on)
        select serie, last_number, p_doc_type, p_issued_on from numbered
    )
    select serie, last_number from numbered;
end;
$$;
"""


def _function_of_0004() -> str:
    """0004's ``next_comprobante_number``, put back on downgrade (one copy of its text)."""
    schema = revision_module("0004_sale_write_by_key.py").SCHEMA
    return between(schema, "create or replace function next_comprobante_number(", "-- Claim")


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(_function_of_0004())
