"""The transactional core: master data, sales, returns, purchasing, transfers, kardex.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = r"""
create table stores (
    store_id bigint generated always as identity primary key,
    code char(4) not null unique,               -- SUNAT establishment code (anexo)
    name text not null,
    department text not null,                   -- Lima, Arequipa, Piura ...
    region text not null,                       -- Lima Metropolitana, Sur, Norte, Centro, Oriente
    district text,
    is_warehouse boolean not null default false,
    opened_on date not null default current_date
);

create table suppliers (
    supplier_id bigint generated always as identity primary key,
    ruc char(11) not null unique check (ruc ~ '^(10|15|17|20)[0-9]{9}$'),
    name text not null,
    lead_time_days integer not null default 7 check (lead_time_days >= 0),
    min_order_pen numeric(14,2) not null default 0 check (min_order_pen >= 0)
);

create table product_departments (
    department_id bigint generated always as identity primary key,
    name text not null unique
);

create table product_categories (
    category_id bigint generated always as identity primary key,
    department_id bigint not null references product_departments,
    name text not null,
    unique (department_id, name)
);

create table product_subcategories (
    subcategory_id bigint generated always as identity primary key,
    category_id bigint not null references product_categories,
    name text not null,
    unique (category_id, name)
);

create table products (
    product_id bigint generated always as identity primary key,
    sku text not null unique,
    name text not null,
    brand text not null,
    subcategory_id bigint not null references product_subcategories,
    supplier_id bigint not null references suppliers,
    unit_of_measure text not null default 'NIU',  -- SUNAT table 6 (NIU = unidad)
    list_price numeric(14,2) not null check (list_price > 0),  -- with IGV
    igv_affectation char(2) not null default '10' check (igv_affectation in ('10','20','30')),
    pack_size integer not null default 1 check (pack_size > 0),
    is_active boolean not null default true,
    created_at timestamptz not null default now()
);
create index products_supplier_idx on products (supplier_id);
create index products_subcategory_idx on products (subcategory_id);

-- Personal data is encrypted in the application (AES-256-GCM, key version inside each value).
create table customers (
    customer_id bigint generated always as identity primary key,
    doc_type char(1) not null check (doc_type in ('1','4','6','7')),  -- SUNAT catálogo 06
    doc_number_enc bytea not null,
    doc_blind_index bytea not null unique,     -- HMAC of type + number, to look a customer up
    pseudonym text not null unique,            -- keyed HMAC: the only identity the warehouse sees
    name_enc bytea not null,
    email_enc bytea,
    phone_enc bytea,
    is_business boolean not null default false,
    marketing_consent boolean not null default false,
    consent_given_at timestamptz,
    consent_revoked_at timestamptz,
    is_blocked boolean not null default false, -- ARCO cancellation: blocked, fiscal rows kept
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table customer_consent_events (
    event_id bigint generated always as identity primary key,
    customer_id bigint not null references customers,
    purpose text not null default 'marketing',
    granted boolean not null,
    recorded_at timestamptz not null default now(),
    source text not null default 'pos'
);
create index customer_consent_events_customer_idx on customer_consent_events (customer_id);

create table payment_methods (
    code text primary key,
    name text not null
);
insert into payment_methods (code, name) values
    ('cash', 'Efectivo'), ('card', 'Tarjeta'), ('yape', 'Yape'), ('plin', 'Plin'),
    ('transfer', 'Transferencia bancaria');

create table comprobante_series (
    series_id bigint generated always as identity primary key,
    store_id bigint not null references stores,
    doc_type char(2) not null check (doc_type in ('01','03','07','08')),
    serie char(4) not null unique check (serie ~ '^[FB][A-Z0-9]{3}$'),
    last_number integer not null default 0 check (last_number between 0 and 99999999),
    unique (store_id, doc_type, serie)
);

-- Every comprobante number ever issued: unique per serie, assigned under the series row lock.
create table issued_documents (
    serie char(4) not null,
    number integer not null check (number between 1 and 99999999),
    doc_type char(2) not null,
    issued_on date not null,
    primary key (serie, number)
);

create table promotions (
    promotion_id bigint generated always as identity primary key,
    name text not null,
    product_id bigint not null references products,
    store_id bigint references stores,          -- null: every store
    discount_pct numeric(5,2) not null check (discount_pct > 0 and discount_pct < 100),
    starts_on date not null,
    ends_on date not null,
    check (ends_on >= starts_on)
);
create index promotions_product_dates_idx on promotions (product_id, starts_on, ends_on);

create table idempotency_keys (
    key text primary key,
    operation text not null,
    result jsonb,
    created_at timestamptz not null default now()
);

create table sales (
    sale_id bigint generated always as identity,
    sale_date date not null,                    -- business date in America/Lima
    sold_at timestamptz not null,
    store_id bigint not null references stores,
    doc_type char(2) not null check (doc_type in ('01','03')),
    serie char(4) not null,
    number integer not null,
    customer_id bigint references customers,
    channel text not null default 'pos',
    taxable_amount numeric(14,2) not null,
    exempt_amount numeric(14,2) not null default 0,
    igv_amount numeric(14,2) not null,
    discount_amount numeric(14,2) not null default 0,
    total_amount numeric(14,2) not null check (total_amount >= 0),
    primary key (sale_id, sale_date)
) partition by range (sale_date);
create index sales_store_date_idx on sales (store_id, sale_date);
create index sales_customer_idx on sales (customer_id, sale_date) where customer_id is not null;
create index sales_document_idx on sales (serie, number);

create table sale_lines (
    sale_line_id bigint generated always as identity,
    sale_id bigint not null,
    sale_date date not null,
    line_no smallint not null,
    store_id bigint not null,
    product_id bigint not null references products,
    quantity numeric(14,3) not null check (quantity > 0),
    list_price numeric(14,2) not null,          -- unit price with IGV before discount
    unit_price numeric(14,2) not null,          -- unit price with IGV after discount
    discount_amount numeric(14,2) not null default 0,
    promotion_id bigint references promotions,
    igv_affectation char(2) not null,
    taxable_amount numeric(14,2) not null,
    igv_amount numeric(14,2) not null,
    line_total numeric(14,2) not null,          -- with IGV
    unit_cost numeric(18,6) not null,           -- weighted average when it left
    cost_amount numeric(14,2) not null,
    primary key (sale_line_id, sale_date),
    foreign key (sale_id, sale_date) references sales (sale_id, sale_date)
) partition by range (sale_date);
create index sale_lines_sale_idx on sale_lines (sale_id);
create index sale_lines_store_product_date_idx on sale_lines (store_id, product_id, sale_date);
create index sale_lines_product_date_idx on sale_lines (product_id, sale_date);

create table sale_payments (
    sale_payment_id bigint generated always as identity,
    sale_id bigint not null,
    sale_date date not null,
    method text not null references payment_methods,
    amount numeric(14,2) not null check (amount > 0),
    primary key (sale_payment_id, sale_date),
    foreign key (sale_id, sale_date) references sales (sale_id, sale_date)
) partition by range (sale_date);
create index sale_payments_sale_idx on sale_payments (sale_id);

create table returns (
    return_id bigint generated always as identity primary key,
    sale_id bigint not null,
    sale_date date not null,
    return_date date not null,
    returned_at timestamptz not null,
    store_id bigint not null references stores,
    doc_type char(2) not null default '07' check (doc_type = '07'),
    serie char(4) not null,
    number integer not null,
    reason text not null,
    taxable_amount numeric(14,2) not null,
    exempt_amount numeric(14,2) not null default 0,
    igv_amount numeric(14,2) not null,
    total_amount numeric(14,2) not null,
    foreign key (sale_id, sale_date) references sales (sale_id, sale_date),
    unique (serie, number)
);
create index returns_sale_idx on returns (sale_id);
create index returns_store_date_idx on returns (store_id, return_date);

create table return_lines (
    return_line_id bigint generated always as identity primary key,
    return_id bigint not null references returns,
    sale_line_id bigint not null,
    product_id bigint not null references products,
    quantity numeric(14,3) not null check (quantity > 0),
    taxable_amount numeric(14,2) not null,
    igv_amount numeric(14,2) not null,
    line_total numeric(14,2) not null,
    unit_cost numeric(18,6) not null,           -- the cost the goods left with
    cost_amount numeric(14,2) not null
);
create index return_lines_sale_line_idx on return_lines (sale_line_id);

create table purchase_orders (
    purchase_order_id bigint generated always as identity primary key,
    supplier_id bigint not null references suppliers,
    store_id bigint not null references stores,
    ordered_on date not null,
    expected_on date not null,
    status text not null default 'open' check (status in ('open','received','cancelled')),
    created_at timestamptz not null default now()
);
create index purchase_orders_store_idx on purchase_orders (store_id, ordered_on);

create table purchase_order_lines (
    purchase_order_line_id bigint generated always as identity primary key,
    purchase_order_id bigint not null references purchase_orders,
    product_id bigint not null references products,
    quantity numeric(14,3) not null check (quantity > 0),
    unit_cost numeric(18,6) not null check (unit_cost >= 0)
);
create index purchase_order_lines_po_idx on purchase_order_lines (purchase_order_id);

create table goods_receipts (
    goods_receipt_id bigint generated always as identity primary key,
    purchase_order_id bigint references purchase_orders,
    supplier_id bigint not null references suppliers,
    store_id bigint not null references stores,
    received_at timestamptz not null,
    receipt_date date not null,
    doc_type char(2) not null default '09',     -- the supplier's guía de remisión
    serie text not null,
    number integer not null
);
create index goods_receipts_store_date_idx on goods_receipts (store_id, receipt_date);

create table goods_receipt_lines (
    goods_receipt_line_id bigint generated always as identity primary key,
    goods_receipt_id bigint not null references goods_receipts,
    product_id bigint not null references products,
    quantity numeric(14,3) not null check (quantity > 0),
    unit_cost numeric(18,6) not null check (unit_cost >= 0)
);
create index goods_receipt_lines_receipt_idx on goods_receipt_lines (goods_receipt_id);

create table transfers (
    transfer_id bigint generated always as identity primary key,
    from_store_id bigint not null references stores,
    to_store_id bigint not null references stores,
    dispatched_at timestamptz not null,
    dispatch_date date not null,
    received_at timestamptz,
    receipt_date date,
    status text not null default 'in_transit' check (status in ('in_transit','received')),
    serie text not null default 'T001',         -- our guía de remisión remitente
    number integer not null,
    check (from_store_id <> to_store_id)
);
create index transfers_dates_idx on transfers (dispatch_date);

create table transfer_lines (
    transfer_line_id bigint generated always as identity primary key,
    transfer_id bigint not null references transfers,
    product_id bigint not null references products,
    quantity numeric(14,3) not null check (quantity > 0),
    unit_cost numeric(18,6) not null,           -- average cost at dispatch
    cost_amount numeric(14,2) not null
);
create index transfer_lines_transfer_idx on transfer_lines (transfer_id);

create table inventory_adjustments (
    adjustment_id bigint generated always as identity primary key,
    store_id bigint not null references stores,
    adjusted_at timestamptz not null,
    adjustment_date date not null,
    reason text not null check (reason in ('merma','desmedro','count','initial')),
    physical_count_id bigint,
    note text
);
create index inventory_adjustments_store_date_idx on inventory_adjustments (store_id, adjustment_date);

create table inventory_adjustment_lines (
    adjustment_line_id bigint generated always as identity primary key,
    adjustment_id bigint not null references inventory_adjustments,
    product_id bigint not null references products,
    quantity_delta numeric(14,3) not null check (quantity_delta <> 0),
    unit_cost numeric(18,6) not null,
    cost_amount numeric(14,2) not null
);

create table physical_counts (
    physical_count_id bigint generated always as identity primary key,
    store_id bigint not null references stores,
    counted_at timestamptz not null,
    count_date date not null
);

create table physical_count_lines (
    physical_count_line_id bigint generated always as identity primary key,
    physical_count_id bigint not null references physical_counts,
    product_id bigint not null references products,
    system_quantity numeric(14,3) not null,
    counted_quantity numeric(14,3) not null check (counted_quantity >= 0)
);

-- Stock on hand per product x store: the row every movement locks.
create table stock_balances (
    product_id bigint not null references products,
    store_id bigint not null references stores,
    quantity numeric(14,3) not null default 0 check (quantity >= 0),
    unit_cost numeric(18,6) not null default 0,
    total_value numeric(14,2) not null default 0,
    last_movement_at timestamptz,
    primary key (product_id, store_id)
);
create index stock_balances_store_idx on stock_balances (store_id);

-- The valued kardex (PLE 13.1): append-only, one row per movement per product x store.
create table kardex (
    kardex_id bigint generated always as identity,
    movement_date date not null,                -- business date in America/Lima
    moved_at timestamptz not null,
    store_id bigint not null references stores,
    product_id bigint not null references products,
    operation_type char(2) not null check (
        operation_type in ('01','02','05','06','11','13','14','16','21','24','25','28')),
    doc_type char(2) not null,                  -- SUNAT table 10
    serie text not null,
    number integer not null,
    source_table text not null,
    source_id bigint not null,
    quantity_in numeric(14,3) not null default 0 check (quantity_in >= 0),
    unit_cost_in numeric(18,6) not null default 0,
    total_in numeric(14,2) not null default 0,
    quantity_out numeric(14,3) not null default 0 check (quantity_out >= 0),
    unit_cost_out numeric(18,6) not null default 0,
    total_out numeric(14,2) not null default 0,
    balance_quantity numeric(14,3) not null check (balance_quantity >= 0),
    balance_unit_cost numeric(18,6) not null,
    balance_value numeric(14,2) not null,
    primary key (kardex_id, movement_date)
) partition by range (movement_date);
create index kardex_store_product_idx on kardex (store_id, product_id, kardex_id);
create index kardex_date_idx on kardex (movement_date, store_id);

-- Monthly partitions for the partitioned tables, created ahead of time.
create function ensure_monthly_partitions(p_first date, p_last date) returns integer
language plpgsql as $$
declare
    parent text;
    month_start date;
    created integer := 0;
    part_name text;
begin
    foreach parent in array array['sales','sale_lines','sale_payments','kardex'] loop
        month_start := date_trunc('month', p_first)::date;
        while month_start <= p_last loop
            part_name := format('%s_%s', parent, to_char(month_start, 'YYYYMM'));
            if to_regclass(part_name) is null then
                execute format(
                    'create table %I partition of %I for values from (%L) to (%L)',
                    part_name, parent, month_start, (month_start + interval '1 month')::date);
                created := created + 1;
            end if;
            month_start := (month_start + interval '1 month')::date;
        end loop;
    end loop;
    return created;
end;
$$;
"""

DROP = """
drop function if exists ensure_monthly_partitions(date, date);
drop table if exists kardex, stock_balances, physical_count_lines, physical_counts,
    inventory_adjustment_lines, inventory_adjustments, transfer_lines, transfers,
    goods_receipt_lines, goods_receipts, purchase_order_lines, purchase_orders,
    return_lines, returns, sale_payments, sale_lines, sales, idempotency_keys, promotions,
    issued_documents, comprobante_series, payment_methods, customer_consent_events, customers,
    products, product_subcategories, product_categories, product_departments, suppliers,
    stores cascade;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DROP)
