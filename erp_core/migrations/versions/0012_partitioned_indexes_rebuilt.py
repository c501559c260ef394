"""Secondary indexes of the partitioned tables rebuilt where a demo load left them unbuilt.

The demo generator drops the plain indexes while it bulk-loads and recreates them from
``pg_get_indexdef``, which for a partitioned table reads ``CREATE INDEX ... ON ONLY``: only the
parent's index came back, invalid, and no partition had one. Sales, sale lines, payments and the
kardex of any chain made by ``innovalogix demo-data`` before this revision were read without
their composite indexes (store, product, date). Each such index is built again over every
partition; a database without the fault has nothing to rebuild.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

REBUILD = r"""
do $$
declare
    broken record;
begin
    for broken in
        select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
        from pg_index i join pg_class t on t.oid = i.indrelid
        where t.relkind = 'p' and not i.indisvalid
        order by 1
    loop
        execute format('drop index %s', broken.name);
        execute replace(broken.definition, ' ON ONLY ', ' ON ');
    end loop;
end $$;
"""


def upgrade() -> None:
    op.execute(REBUILD)


def downgrade() -> None:
    """Nothing to undo: the indexes are the schema's own (0001)."""
