"""A serie or store code given to the sale's functions is never truncated.

Since 0004 the terminal's serie and the store's code were cast to ``char(4)`` to look them up by
their unique indexes, and that cast truncates: a sale asking for serie ``B0011`` was numbered on
serie ``B001``, and one for store ``00011`` was sold in store ``0001``. A serie is exactly 4
characters (``comprobante_series``' check) and a store code at most 4 (``char(4)``), so a longer
one now finds nothing: the sale is refused (no such serie, P0002; store not found, IL404).

Each function changes in that one line; the rest of its text stays where it was written
(``next_comprobante_number`` in 0004, ``post_sale`` in 0005), one copy of each.

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

SERIE_LOOKUP = "where serie = p_serie::char(4) and store_id = p_store_id and doc_type = p_doc_type;"
SERIE_LOOKUP_EXACT = (
    "where length(p_serie) <= 4  -- the cast would truncate a longer one\n"
    "          and serie = p_serie::char(4) and store_id = p_store_id and doc_type = p_doc_type;"
)
STORE_LOOKUP = "left join stores s on s.code = p_store_code::char(4)"
STORE_LOOKUP_EXACT = (
    "left join stores s on length(p_store_code) <= 4  -- the cast would truncate a longer one\n"
    "        and s.code = p_store_code::char(4)"
)


def _numbering_of_0004() -> str:
    """0004's ``next_comprobante_number``: changed by upgrade, put back by downgrade."""
    schema = revision_module("0004_sale_write_by_key.py").SCHEMA
    function = between(schema, "create or replace function next_comprobante_number(", "-- Claim")
    assert function.count(SERIE_LOOKUP) == 1, "0004's serie lookup is not where 0006 expects it"
    return function


def _post_sale_of_0005() -> str:
    """0005's ``post_sale`` as a ``create or replace``: changed by upgrade, put back by downgrade."""
    schema = revision_module("0005_post_sale.py").SCHEMA
    function = between(schema, "create function post_sale(", "\n$$;\n") + "\n$$;\n"
    assert function.count(STORE_LOOKUP) == 1, "0005's store lookup is not where 0006 expects it"
    return function.replace("create function", "create or replace function", 1)


def post_sale_of_0006() -> str:
    """``post_sale`` as this revision leaves it (0009 changes it further and puts it back)."""
    return _post_sale_of_0005().replace(STORE_LOOKUP, STORE_LOOKUP_EXACT)


def upgrade() -> None:
    op.execute(_numbering_of_0004().replace(SERIE_LOOKUP, SERIE_LOOKUP_EXACT))
    op.execute(post_sale_of_0006())


def downgrade() -> None:
    op.execute(_numbering_of_0004())
    op.execute(_post_sale_of_0005())
