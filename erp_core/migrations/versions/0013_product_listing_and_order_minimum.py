"""A product's listing dates and its per-line minimum order.

Forecasting and restocking need what the catalogue did not keep: the day a product was first
listed (a launch) and the day it was delisted (`is_active` said only that it is delisted now, so
every day after a delisting read as a stockout), and the smallest quantity a purchase order line
may ask of its supplier (`suppliers.min_order_pen` is a minimum for the whole order, in soles).
Each product has one supplier, so the product-supplier figures live on the product.

Existing rows: listed on the day they were created (Lima), a delisted product's date unknown
(null), and the minimum one supplier pack.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        alter table products
            add column listed_on date,
            add column delisted_on date,
            add column min_order_qty integer not null default 1 check (min_order_qty > 0),
            add constraint products_listing_dates_check
                check (delisted_on is null or listed_on is null or delisted_on > listed_on);
        update products
        set listed_on = (created_at at time zone 'America/Lima')::date,
            min_order_qty = pack_size;
        comment on column products.listed_on is 'First day the product may be sold (its launch).';
        comment on column products.delisted_on is
            'First day the product is no longer listed: not bought, not expected on the shelf.';
        comment on column products.min_order_qty is
            'Smallest quantity (units) a purchase order line may ask of the supplier.';
        """
    )


def downgrade() -> None:
    op.execute(
        "alter table products drop constraint products_listing_dates_check, "
        "drop column listed_on, drop column delisted_on, drop column min_order_qty"
    )
