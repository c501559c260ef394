"""Who saw which customer's personal data, when and why (Ley 29733, D.S. 016-2024-JUS).

Append-only: a trigger refuses updates and deletes, so that the log answers an ARCO access
request or an incident review with what really happened. Truncation stays an administrator's
act (the demo generator's ``--replace`` wipes a whole demo database): the application's role
must not be granted TRUNCATE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = r"""
create table personal_data_access_log (
    access_id bigint generated always as identity primary key,
    accessed_at timestamptz not null default now(),
    accessed_by text not null check (length(trim(accessed_by)) > 0),
    purpose text not null check (length(trim(purpose)) > 0),
    customer_id bigint not null references customers,
    fields text[] not null
);
create index personal_data_access_log_customer_idx
    on personal_data_access_log (customer_id, accessed_at);

create function refuse_access_log_change() returns trigger
language plpgsql as $$
begin
    raise exception 'personal_data_access_log is append-only (% refused)', tg_op;
end;
$$;
create trigger personal_data_access_log_append_only
    before update or delete on personal_data_access_log
    for each row execute function refuse_access_log_change();
"""

DROP = """
drop table if exists personal_data_access_log;
drop function if exists refuse_access_log_change();
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DROP)
