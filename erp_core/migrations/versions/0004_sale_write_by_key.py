"""A sale's two statements: found by indexes, each row written once, planned once a session.

Two statements of migration 0002 were sequential scans once a database had a cached generic
plan made while the table was small (PL/pgSQL keeps a session's plan until the next ANALYZE):
the idempotency key's update, which read the whole key table for every sale (14M tuples for
5,000 sales in a fresh database), and the serie lookup, whose ``p_serie is null or ...``
condition could not use the serie's index. Now the sale's id is taken when its key is claimed
and stored with the key in that insert, so the key row is written once and never updated, and
a given serie is found through its unique index.

The sale's first statement (claim the key, read the store, products and promotions, lock the
balances) is the function ``claim_sale``: sent from the application, it was planned anew for
every sale (0.2 ms, a fifth of the server's time), because the generic plan's guess of ten
SKUs made it look dearer than a plan for the actual three. Its statements are lookups by key,
for which the generic plan is always the right one, so the function forces it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0004"
down_revision = "0003"
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
        where serie = p_serie::char(4) and store_id = p_store_id and doc_type = p_doc_type;
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

-- Claim a sale's idempotency key, taking the sale's id (stored as the key's result), and read
-- what valuing the sale needs: the store, its products with their promotion of the day, and
-- their balances, locked in product order (so that two sales never deadlock). No rows: the key
-- was claimed before (a retry). A row without store_id: no such store; without product_id: no
-- such active product.
create function claim_sale(p_key text, p_sale_date date, p_store_code text, p_skus text[])
returns table (sale_id bigint, store_id bigint, store_code char(4), product_id bigint,
    sku text, list_price numeric, igv_affectation char(2), supplier_id bigint,
    discount_pct numeric, promotion_id bigint, quantity numeric, unit_cost numeric,
    total_value numeric)
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
    v_sale_id bigint;
    v_store_id bigint;
    v_store_code char(4);
begin
    insert into idempotency_keys (key, operation, result)
    values (p_key, 'sale', jsonb_build_object(
        'sale_id', nextval('sales_sale_id_seq'), 'sale_date', p_sale_date))
    on conflict (key) do nothing
    returning (result->>'sale_id')::bigint into v_sale_id;
    if v_sale_id is null then
        return;
    end if;

    select s.store_id, s.code into v_store_id, v_store_code
    from stores s where s.code = p_store_code::char(4);

    return query
    with product as materialized (
        select p.product_id, p.sku, p.list_price, p.igv_affectation, p.supplier_id
        from products p
        where v_store_id is not null and p.sku = any(p_skus) and p.is_active
        order by p.product_id
    ),
    locked as materialized (  -- one key lookup a product, locked in product order
        select b.product_id, b.quantity, b.unit_cost, b.total_value
        from product p cross join lateral (
            select b.product_id, b.quantity, b.unit_cost, b.total_value from stock_balances b
            where b.product_id = p.product_id and b.store_id = v_store_id
            for update of b) b
    )
    select v_sale_id, v_store_id, v_store_code, p.product_id, p.sku, p.list_price,
        p.igv_affectation, p.supplier_id, promo.discount_pct, promo.promotion_id, l.quantity,
        l.unit_cost, l.total_value
    from (select 1) one
    left join product p on true
    left join locked l on l.product_id = p.product_id
    left join lateral (
        select pr.discount_pct, pr.promotion_id from promotions pr
        where pr.product_id = p.product_id
          and (pr.store_id is null or pr.store_id = v_store_id)
          and p_sale_date between pr.starts_on and pr.ends_on
        order by pr.discount_pct desc limit 1) promo on true;
end;
$$;

drop function record_sale(bigint, char, text, text, date, timestamptz, bigint, text, numeric,
    numeric, numeric, numeric, numeric, text, jsonb, jsonb);

-- Number and write one valued sale whose id was taken when its idempotency key was claimed:
-- header, lines, payments, the kardex rows (out at the cost the application computed, with
-- the balance after each line) and the new balances. Each line record carries its balance
-- after the movement (balance_quantity, balance_unit_cost, balance_value): the last line of a
-- product holds that product's new balance. Returns one row per line. No such serie:
-- no_data_found (P0002).
create function record_sale(
    p_sale_id bigint, p_store_id bigint, p_doc_type char(2), p_serie text, p_letter text,
    p_sale_date date, p_sold_at timestamptz, p_customer_id bigint, p_channel text,
    p_taxable numeric, p_exempt numeric, p_igv numeric, p_discount numeric, p_total numeric,
    p_lines jsonb, p_payments jsonb
) returns table (serie char(4), number integer, sale_line_id bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    v_serie char(4);
    v_number integer;
    v_balance record;
begin
    select n.serie, n.number into v_serie, v_number
    from next_comprobante_number(p_store_id, p_doc_type, p_sale_date, p_serie, p_letter) n;
    if not found then
        raise no_data_found using message = format(
            'no comprobante serie %s of type %s in store %s',
            coalesce(p_serie, p_letter || '*'), p_doc_type, p_store_id);
    end if;

    insert into sales (sale_id, sale_date, sold_at, store_id, doc_type, serie, number,
        customer_id, channel, taxable_amount, exempt_amount, igv_amount, discount_amount,
        total_amount)
    overriding system value
    values (p_sale_id, p_sale_date, p_sold_at, p_store_id, p_doc_type, v_serie, v_number,
        p_customer_id, p_channel, p_taxable, p_exempt, p_igv, p_discount, p_total);

    insert into sale_payments (sale_id, sale_date, method, amount)
    select p_sale_id, p_sale_date, p.method, p.amount
    from jsonb_to_recordset(p_payments) as p(method text, amount numeric);

    -- The new balance of each product is the one after its last line. One key lookup per
    -- product: a join would scan the store's balances (the planner cannot size the JSON).
    for v_balance in
        select distinct on (product_id) product_id, balance_quantity, balance_unit_cost,
            balance_value
        from jsonb_to_recordset(p_lines) as l(line_no smallint, product_id bigint,
            balance_quantity numeric, balance_unit_cost numeric, balance_value numeric)
        order by product_id, line_no desc
    loop
        update stock_balances set quantity = v_balance.balance_quantity,
            unit_cost = v_balance.balance_unit_cost, total_value = v_balance.balance_value,
            last_movement_at = p_sold_at
        where product_id = v_balance.product_id and store_id = p_store_id;
    end loop;

    return query
    with line as (
        select * from jsonb_to_recordset(p_lines) as l(
            line_no smallint, product_id bigint, quantity numeric, list_price numeric,
            unit_price numeric, discount_amount numeric, promotion_id bigint,
            igv_affectation char(2), taxable_amount numeric, igv_amount numeric,
            line_total numeric, unit_cost numeric, cost_amount numeric,
            balance_quantity numeric, balance_unit_cost numeric, balance_value numeric)
    ),
    written_lines as (
        insert into sale_lines (sale_id, sale_date, line_no, store_id, product_id, quantity,
            list_price, unit_price, discount_amount, promotion_id, igv_affectation,
            taxable_amount, igv_amount, line_total, unit_cost, cost_amount)
        select p_sale_id, p_sale_date, line_no, p_store_id, product_id, quantity, list_price,
            unit_price, discount_amount, promotion_id, igv_affectation, taxable_amount,
            igv_amount, line_total, unit_cost, cost_amount
        from line
        returning sale_line_id, line_no
    ),
    written_kardex as (
        insert into kardex (movement_date, moved_at, store_id, product_id, operation_type,
            doc_type, serie, number, source_table, source_id, quantity_out, unit_cost_out,
            total_out, balance_quantity, balance_unit_cost, balance_value)
        select p_sale_date, p_sold_at, p_store_id, product_id, '01', p_doc_type, v_serie,
            v_number, 'sales', p_sale_id, quantity, unit_cost, cost_amount,
            balance_quantity, balance_unit_cost, balance_value
        from line
        order by line_no
    )
    select v_serie, v_number, w.sale_line_id
    from written_lines w
    order by w.line_no;
end;
$$;
"""

DROP = """
drop function claim_sale(text, date, text, text[]);
drop function record_sale(bigint, bigint, char, text, text, date, timestamptz, bigint, text,
    numeric, numeric, numeric, numeric, numeric, jsonb, jsonb);
"""


def _functions_of_0002() -> str:
    """Migration 0002's two functions, to put back on downgrade (one copy of their text)."""
    path = Path(__file__).with_name("0002_sale_write_functions.py")
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    functions = module.SCHEMA[module.SCHEMA.index("-- The next correlativo") :]
    return functions.replace("create function", "create or replace function")


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DROP)
    op.execute(_functions_of_0002())
