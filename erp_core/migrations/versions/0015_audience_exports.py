"""Every campaign audience export, recorded: who, when, which segments, how many, hashed or clear,
why (Ley 29733). Append-only like the personal-data access log, whose rows name the export.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SCHEMA = r"""
create table audience_exports (
    export_id bigint generated always as identity primary key,
    exported_at timestamptz not null default now(),
    exported_by text not null check (length(trim(exported_by)) > 0),
    reason text not null check (length(trim(reason)) > 0),
    segments text[] not null,
    contacts text not null check (contacts in ('hashed', 'clear')),
    row_count integer not null check (row_count >= 0),
    members_count integer not null check (members_count >= row_count)
);

create trigger audience_exports_append_only
    before update or delete on audience_exports
    for each row execute function refuse_access_log_change();
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute("drop table audience_exports")
