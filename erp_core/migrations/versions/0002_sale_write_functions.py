"""Server-side write of a sale and the comprobante numbering it shares with returns.

The application values everything (prices, IGV, the weighted-average cost of each line): these
functions only number and write what they are handed, so the domain rules stay in Python. What
they save is the client's cost of sending a long statement with dozens of array parameters:
a sale is one short call, with its lines and payments as JSON records, and its plans are cached
by PL/pgSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- A sale's lines and payments are written only by record_sale, in the statement that writes
-- their header, and are never re-pointed: the foreign keys to the partitioned sales table
-- re-planned a lookup into every partition for each row written (a quarter of the server's
-- time per sale). The relationship is still tested in the warehouse (dbt relationships) and
-- by the core's consistency tests.
alter table sale_lines drop constraint sale_lines_sale_id_sale_date_fkey;
alter table sale_payments drop constraint sale_payments_sale_id_sale_date_fkey;

-- The next correlativo of a serie (the given one, or the store's first of the type and
-- letter). The serie row stays locked until the caller commits, so numbers are consecutive
-- and a rolled-back operation gives its number back. No row: no such serie.
create function next_comprobante_number(
    p_store_id bigint, p_doc_type char(2), p_issued_on date,
    p_serie text default null, p_letter text default null
) returns table (serie char(4), number integer)
language plpgsql as $$
#variable_conflict use_column
begin
    return query
    with numbered as (
        update comprobante_series set last_number = last_number + 1
        where series_id = (
            select series_id from comprobante_series
            where store_id = p_store_id and doc_type = p_doc_type
              and (p_serie is null or serie = p_serie)
              and (p_letter is null or serie like p_letter || '%')
            order by serie limit 1)
        returning serie, last_number
    ),
    registered as (
        insert into issued_documents (serie, number, doc_type, issued_on)
        select serie, last_number, p_doc_type, p_issued_on from numbered
    )
    select serie, last_number from numbered;
end;
$$;

-- Number and write one valued sale: header, lines, payments, the kardex rows (out at the cost
-- the application computed, with the balance after each line), the new balances, and the
-- idempotency key's result. Each line record carries its balance after the movement
-- (balance_quantity, balance_unit_cost, balance_value): the last line of a product holds
-- that product's new balance. Returns one row per line. No such serie: no_data_found (P0002).
create function record_sale(
    p_store_id bigint, p_doc_type char(2), p_serie text, p_letter text, p_sale_date date,
    p_sold_at timestamptz, p_customer_id bigint, p_channel text, p_taxable numeric,
    p_exempt numeric, p_igv numeric, p_discount numeric, p_total numeric,
    p_idempotency_key text, p_lines jsonb, p_payments jsonb
) returns table (sale_id bigint, serie char(4), number integer, sale_line_id bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    v_serie char(4);
    v_number integer;
    v_sale_id bigint;
    v_balance record;
begin
    select n.serie, n.number into v_serie, v_number
    from next_comprobante_number(p_store_id, p_doc_type, p_sale_date, p_serie, p_letter) n;
    if not found then
        raise no_data_found using message = format(
            'no comprobante serie %s of type %s in store %s',
            coalesce(p_serie, p_letter || '*'), p_doc_type, p_store_id);
    end if;

    insert into sales (sale_date, sold_at, store_id, doc_type, serie, number, customer_id,
        channel, taxable_amount, exempt_amount, igv_amount, discount_amount, total_amount)
    values (p_sale_date, p_sold_at, p_store_id, p_doc_type, v_serie, v_number, p_customer_id,
        p_channel, p_taxable, p_exempt, p_igv, p_discount, p_total)
    returning sale_id into v_sale_id;

    insert into sale_payments (sale_id, sale_date, method, amount)
    select v_sale_id, p_sale_date, p.method, p.amount
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

    update idempotency_keys set result = jsonb_build_object(
        'sale_id', v_sale_id, 'sale_date', p_sale_date)
    where key = p_idempotency_key;

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
        select v_sale_id, p_sale_date, line_no, p_store_id, product_id, quantity, list_price,
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
            v_number, 'sales', v_sale_id, quantity, unit_cost, cost_amount,
            balance_quantity, balance_unit_cost, balance_value
        from line
        order by line_no
    )
    select v_sale_id, v_serie, v_number, w.sale_line_id
    from written_lines w
    order by w.line_no;
end;
$$;
"""

DROP = """
alter table sale_lines add foreign key (sale_id, sale_date) references sales (sale_id, sale_date);
alter table sale_payments add foreign key (sale_id, sale_date)
    references sales (sale_id, sale_date);
drop function if exists record_sale(bigint, char, text, text, date, timestamptz, bigint, text,
    numeric, numeric, numeric, numeric, numeric, text, jsonb, jsonb);
drop function if exists next_comprobante_number(bigint, char, date, text, text);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DROP)
