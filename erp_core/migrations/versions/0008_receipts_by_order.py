"""Goods receipts found by their purchase order.

An order is now received in parts: each receipt against it reads what earlier receipts brought
(``services/purchasing.py``), which without this index is a scan of every receipt.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create index goods_receipts_order_idx on goods_receipts (purchase_order_id)")


def downgrade() -> None:
    op.execute("drop index goods_receipts_order_idx")
