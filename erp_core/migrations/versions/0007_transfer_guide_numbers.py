"""Transfer guías are unique per serie and number, and the next number is one index probe.

Transfers are now numbered max + 1 under the serie's lock (``services/transfers.py``) instead
of by their id; this index makes that max a lookup rather than a scan of every transfer, and
the database refuses a number given twice. Numbers so far were the transfer ids: unique.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create unique index transfers_serie_number_key on transfers (serie, number)")


def downgrade() -> None:
    op.execute("drop index transfers_serie_number_key")
