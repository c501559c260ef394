"""A sale in one statement: ``post_sale`` prices, values, numbers and writes it in the database.

Before, a sale was two round trips (``claim_sale``, then ``record_sale``) with Python pricing
and valuing it in between, and its write ran a dozen statements, each paying the executor's
start-up, its check constraints' compilation and its own plan. The sale is now one function
call of three statements (claim the key; read the store and the products, locking their
balances; number and write header, payments, lines, kardex and balances in one data-modifying
statement). ``claim_sale`` and ``record_sale`` are dropped.

Pricing and valuation are restated from ``erp_core/domain/money.py`` (``line_amounts``) and
``erp_core/domain/kardex.py`` (``issue``) as the functions ``sale_line_amounts`` and
``issue_at_average``; a property test keeps each equal to its Python twin.

Errors name what was wrong, as the service's own errors do: SQLSTATE IL404 (not found), IL422
(invalid input), IL409 (insufficient stock), with a JSON detail the service turns into its
exceptions; P0002 (no_data_found) when the serie does not exist.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from alembic import op

from erp_core.migration_text import revision_module

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- domain/money.py line_amounts: discount the unit price, total the line, split out 18 % IGV
-- (the base is the total / 1.18 rounded half-up; IGV is the rest). round() on numeric rounds
-- half away from zero, which for amounts >= 0 is Python's ROUND_HALF_UP.
create type sale_line_amount as (list_price numeric, unit_price numeric,
    discount_amount numeric, line_total numeric, taxable_amount numeric, igv_amount numeric);

create function sale_line_amounts(
    p_list_price numeric, p_quantity numeric, p_igv_affectation text, p_discount_pct numeric)
returns sale_line_amount
language plpgsql immutable as $$
declare
    list_price numeric;
    unit_price numeric;
    discount_amount numeric;
    line_total numeric;
    taxable_amount numeric;
    igv_amount numeric;
begin
    list_price := round(p_list_price, 2);
    unit_price := round(list_price * (1 - p_discount_pct / 100), 2);
    line_total := round(unit_price * p_quantity, 2);
    discount_amount := round(list_price * p_quantity, 2) - line_total;
    if p_igv_affectation = '10' then
        taxable_amount := round(line_total::numeric(40, 20) / 1.18, 2);
        igv_amount := line_total - taxable_amount;
    elsif p_igv_affectation in ('20', '30') then
        taxable_amount := line_total;
        igv_amount := 0.00;
    else
        raise exception 'igv_affectation % is not one of 10, 20, 30', p_igv_affectation;
    end if;
    return row(list_price, unit_price, discount_amount, line_total, taxable_amount,
        igv_amount)::sale_line_amount;
end;
$$;

-- domain/kardex.py issue: goods out at the current average cost; the outflow that empties the
-- balance takes the remaining value. The caller has checked the stock.
create type stock_issue as (unit_cost_out numeric, total_out numeric,
    balance_quantity numeric, balance_unit_cost numeric, balance_value numeric);

create function issue_at_average(
    p_quantity numeric, p_balance_quantity numeric, p_balance_unit_cost numeric,
    p_balance_value numeric)
returns stock_issue
language plpgsql immutable as $$
declare
    unit_cost_out numeric;
    total_out numeric;
    balance_quantity numeric;
    balance_unit_cost numeric;
    balance_value numeric;
begin
    unit_cost_out := p_balance_unit_cost;
    if p_quantity = p_balance_quantity then
        total_out := p_balance_value;
    else
        total_out := round(p_quantity * p_balance_unit_cost, 2);
    end if;
    balance_quantity := p_balance_quantity - p_quantity;
    if balance_quantity = 0 then
        balance_unit_cost := p_balance_unit_cost;
        balance_value := 0.00;
    else
        balance_value := p_balance_value - total_out;
        balance_unit_cost := round(balance_value::numeric(40, 20) / balance_quantity, 6);
    end if;
    return row(unit_cost_out, total_out, balance_quantity, balance_unit_cost,
        balance_value)::stock_issue;
end;
$$;

-- One sale, whole or not at all. The idempotency key is claimed first (taking the sale's id);
-- a key claimed before answers with what that sale wrote (replayed = true). Balances are locked
-- in product order, so that two sales never deadlock. Quantities and payment methods and
-- amounts arrive already checked by the service (positive, at most 3 decimals, known methods).
create function post_sale(
    p_key text, p_store_code text, p_doc_type char(2), p_serie text, p_sale_date date,
    p_sold_at timestamptz, p_customer_id bigint, p_channel text,
    p_skus text[], p_quantities numeric[], p_unit_prices numeric[],
    p_payment_methods text[], p_payment_amounts numeric[])
returns table (sale_id bigint, sale_date date, serie char(4), number integer,
    total_amount numeric, taxable_amount numeric, igv_amount numeric, line_ids bigint[],
    replayed boolean)
language plpgsql
-- Every statement here finds its rows by key. A plan kept for the session is planned once, and
-- an index is the right plan however small a table is today (a sequential scan planned on a
-- new chain's small tables would read them whole once they have grown).
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
    v_lines integer := cardinality(p_skus);
    v_operation text;
    v_result jsonb;
    v_store_id bigint;
    v_store_code char(4);
    v_customer_doc text;
    k integer;
    -- per product (f_), in product order, and per line (v_), in line order
    f_skus text[];
    f_product_ids bigint[];
    f_list_prices numeric[];
    f_affectations text[];
    f_discount_pcts numeric[];
    f_promotion_ids bigint[];
    f_stock numeric[];
    f_unit_costs numeric[];
    f_values numeric[];
    f_balance_tids tid[];
    v_products integer[] := '{}';  -- per line: its product's index in the f_ arrays
    v_promotion_ids bigint[] := '{}';
    v_sale_id bigint;
    a sale_line_amount;
    m stock_issue;
    v_amounts sale_line_amount[] := '{}';
    v_moves stock_issue[] := '{}';
    v_taxable numeric := 0.00;
    v_exempt numeric := 0.00;
    v_igv numeric := 0.00;
    v_discount numeric := 0.00;
    v_total numeric := 0.00;
    v_paid numeric := 0.00;
    v_amount numeric;
    v_serie char(4);
    v_number integer;
begin
    -- Claim the key (taking the sale's id); then the store, and the sale's products, each with
    -- its promotion of the day and its balance in the store, locked in product order (so that
    -- two sales never deadlock). No row: the key was claimed before, nothing is read or locked.
    with claimed as (
        insert into idempotency_keys (key, operation, result)
        values (p_key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', p_sale_date))
        on conflict (key) do nothing
        returning (result->>'sale_id')::bigint as sale_id
    )
    select c.sale_id, s.store_id, s.code, array_agg(x.sku), array_agg(x.product_id),
        array_agg(x.list_price), array_agg(x.igv_affectation),
        array_agg(coalesce(x.discount_pct, 0)), array_agg(x.promotion_id),
        array_agg(coalesce(x.quantity, 0)), array_agg(coalesce(x.unit_cost, 0)),
        array_agg(coalesce(x.total_value, 0)), array_agg(x.tid)
    into v_sale_id, v_store_id, v_store_code, f_skus, f_product_ids, f_list_prices,
        f_affectations, f_discount_pcts, f_promotion_ids, f_stock, f_unit_costs, f_values,
        f_balance_tids
    from claimed c
    left join stores s on s.code = p_store_code::char(4)
    left join lateral (
        select p.product_id, p.sku, p.list_price, p.igv_affectation, b.tid, b.quantity,
            b.unit_cost, b.total_value, promo.discount_pct, promo.promotion_id
        from (
            select p.product_id, p.sku, p.list_price, p.igv_affectation::text
            from products p
            where p.sku = any(p_skus) and p.is_active
            order by p.product_id
        ) p
        left join lateral (
            select b.ctid as tid, b.quantity, b.unit_cost, b.total_value from stock_balances b
            where b.product_id = p.product_id and b.store_id = s.store_id
            for update of b) b on true
        left join lateral (
            select pr.discount_pct, pr.promotion_id from promotions pr
            where pr.product_id = p.product_id
              and (pr.store_id is null or pr.store_id = s.store_id)
              and p_sale_date between pr.starts_on and pr.ends_on
            order by pr.discount_pct desc limit 1) promo on true
    ) x on true
    group by c.sale_id, s.store_id, s.code;
    if v_sale_id is null then  -- applied before: answer as the first time
        select ik.operation, ik.result into v_operation, v_result
        from idempotency_keys ik where ik.key = p_key;
        if v_operation <> 'sale' then
            raise exception using errcode = 'IL422',
                message = format('idempotency key %s was already used for %s', p_key, v_operation),
                detail = jsonb_build_object('field', 'idempotency_key', 'value', p_key,
                    'reason', format('was already used for %s, not sale', v_operation));
        end if;
        return query
        select s.sale_id, s.sale_date, s.serie, s.number, s.total_amount, s.taxable_amount,
            s.igv_amount,
            array(select l.sale_line_id from sale_lines l
                  where l.sale_id = s.sale_id and l.sale_date = s.sale_date order by l.line_no),
            true
        from sales s
        where s.sale_id = (v_result->>'sale_id')::bigint
          and s.sale_date = (v_result->>'sale_date')::date;
        return;
    end if;
    sale_date := p_sale_date;

    if v_store_id is null then
        raise exception using errcode = 'IL404', message = format('store %s not found', p_store_code),
            detail = jsonb_build_object('entity', 'store', 'key', p_store_code);
    end if;

    for i in 1 .. v_lines loop  -- each line's product, and the line priced
        k := array_position(f_skus, p_skus[i]);
        if k is null then
            raise exception using errcode = 'IL404',
                message = format('product %s not found', p_skus[i]),
                detail = jsonb_build_object('entity', 'product', 'key', p_skus[i]);
        end if;
        v_products := v_products || k;
        if p_unit_prices[i] is not null then  -- an import's price: no list price, no promotion
            a := sale_line_amounts(p_unit_prices[i], p_quantities[i], f_affectations[k], 0);
            v_promotion_ids := v_promotion_ids || null::bigint;
        else
            a := sale_line_amounts(f_list_prices[k], p_quantities[i], f_affectations[k],
                f_discount_pcts[k]);
            v_promotion_ids := v_promotion_ids || f_promotion_ids[k];
        end if;
        v_amounts := v_amounts || a;
        v_total := v_total + a.line_total;
        v_igv := v_igv + a.igv_amount;
        v_discount := v_discount + a.discount_amount;
        if f_affectations[k] = '10' then  -- gravado
            v_taxable := v_taxable + a.taxable_amount;
        else
            v_exempt := v_exempt + a.taxable_amount;
        end if;
    end loop;

    if p_customer_id is not null then
        select c.doc_type into v_customer_doc from customers c where c.customer_id = p_customer_id;
        if not found then
            raise exception using errcode = 'IL404',
                message = format('customer %s not found', p_customer_id),
                detail = jsonb_build_object('entity', 'customer', 'key', p_customer_id);
        end if;
    end if;
    if p_doc_type = '01' and v_customer_doc is distinct from '6' then  -- factura needs a RUC
        raise exception using errcode = 'IL422', message = 'a factura requires a customer with RUC',
            detail = jsonb_build_object('field', 'customer_id', 'value', p_customer_id,
                'reason', 'a factura requires a customer with RUC');
    end if;
    if p_doc_type = '03' and v_total > 700 and p_customer_id is null then
        raise exception using errcode = 'IL422', message = 'the buyer must be identified',
            detail = jsonb_build_object('field', 'customer_id', 'value', null,
                'reason', format('a boleta of S/ %s (over S/ 700) must identify the buyer',
                    to_char(v_total, 'FM999,999,999,990.00')));
    end if;
    foreach v_amount in array p_payment_amounts loop
        v_paid := v_paid + round(v_amount, 2);
    end loop;
    if v_paid <> v_total then
        raise exception using errcode = 'IL422', message = 'payments must add up to the total',
            detail = jsonb_build_object('field', 'payments', 'value', v_paid::text,
                'reason', format('payments must add up to the total %s', v_total));
    end if;

    -- Value each line out of its product's balance, which then holds what the line left: a
    -- product that repeats leaves line after line, and its last balance is the new one.
    for i in 1 .. v_lines loop
        k := v_products[i];
        if p_quantities[i] > f_stock[k] then
            raise exception using errcode = 'IL409',
                message = format('insufficient stock of product %s', p_skus[i]),
                detail = jsonb_build_object('product', p_skus[i], 'store', v_store_code,
                    'stock', f_stock[k], 'requested', p_quantities[i]);
        end if;
        m := issue_at_average(p_quantities[i], f_stock[k], f_unit_costs[k], f_values[k]);
        v_moves := v_moves || m;
        f_stock[k] := m.balance_quantity;
        f_unit_costs[k] := m.balance_unit_cost;
        f_values[k] := m.balance_value;
    end loop;

    -- One statement writes the sale: number it (``next_comprobante_number``, as every
    -- comprobante is: the serie's row lock keeps the correlativo gapless), then header,
    -- payments, lines, kardex and the new balances. Every write reads the number, so without a
    -- serie nothing is written.
    with numbered as (
        select n.serie, n.number
        from next_comprobante_number(v_store_id, p_doc_type, p_sale_date, p_serie,
            case when p_doc_type = '01' then 'F' else 'B' end) n
    ),
    header as (
        insert into sales (sale_id, sale_date, sold_at, store_id, doc_type, serie, number,
            customer_id, channel, taxable_amount, exempt_amount, igv_amount, discount_amount,
            total_amount)
        overriding system value
        select v_sale_id, p_sale_date, p_sold_at, v_store_id, p_doc_type, n.serie, n.number,
            p_customer_id, p_channel, v_taxable, v_exempt, v_igv, v_discount, v_total
        from numbered n
    ),
    payment as (
        insert into sale_payments (sale_id, sale_date, method, amount)
        select v_sale_id, p_sale_date, p.method, round(p.amount, 2)
        from numbered, unnest(p_payment_methods, p_payment_amounts) as p(method, amount)
    ),
    line as (
        select l.line_no::smallint as line_no, f_product_ids[l.product] as product_id,
            p_quantities[l.line_no] as quantity, f_affectations[l.product] as igv_affectation,
            v_promotion_ids[l.line_no] as promotion_id, (v_amounts[l.line_no]).*,
            (v_moves[l.line_no]).*
        from unnest(v_products) with ordinality as l(product, line_no)
    ),
    written_lines as (
        insert into sale_lines (sale_id, sale_date, line_no, store_id, product_id, quantity,
            list_price, unit_price, discount_amount, promotion_id, igv_affectation,
            taxable_amount, igv_amount, line_total, unit_cost, cost_amount)
        select v_sale_id, p_sale_date, l.line_no, v_store_id, l.product_id, l.quantity,
            l.list_price, l.unit_price, l.discount_amount, l.promotion_id, l.igv_affectation,
            l.taxable_amount, l.igv_amount, l.line_total, l.unit_cost_out, l.total_out
        from numbered, line l
        returning sale_line_id, line_no
    ),
    written_kardex as (
        insert into kardex (movement_date, moved_at, store_id, product_id, operation_type,
            doc_type, serie, number, source_table, source_id, quantity_out, unit_cost_out,
            total_out, balance_quantity, balance_unit_cost, balance_value)
        select p_sale_date, p_sold_at, v_store_id, l.product_id, '01', p_doc_type, n.serie,
            n.number, 'sales', v_sale_id, l.quantity, l.unit_cost_out, l.total_out,
            l.balance_quantity, l.balance_unit_cost, l.balance_value
        from numbered n, line l
        order by l.line_no
    ),
    written_balances as (  -- the rows locked above, found by their tuple ids: no scan
        update stock_balances b set quantity = n.quantity, unit_cost = n.unit_cost,
            total_value = n.total_value, last_movement_at = p_sold_at
        from numbered, unnest(f_balance_tids, f_stock, f_unit_costs, f_values)
            as n(tid, quantity, unit_cost, total_value)
        where b.ctid = any(f_balance_tids) and b.ctid = n.tid
    )
    select n.serie, n.number, (select array_agg(w.sale_line_id order by w.line_no)
                               from written_lines w)
    into v_serie, v_number, line_ids
    from numbered n;
    if v_serie is null then
        raise no_data_found using message = format(
            'no comprobante serie %s of type %s in store %s',
            coalesce(p_serie, '*'), p_doc_type, v_store_code);
    end if;

    sale_id := v_sale_id;
    serie := v_serie;
    number := v_number;
    total_amount := v_total;
    taxable_amount := v_taxable;
    igv_amount := v_igv;
    replayed := false;
    return next;
end;
$$;
"""

DROP = """
drop function post_sale(text, text, char, text, date, timestamptz, bigint, text, text[],
    numeric[], numeric[], text[], numeric[]);
drop function issue_at_average(numeric, numeric, numeric, numeric);
drop function sale_line_amounts(numeric, numeric, text, numeric);
drop type stock_issue;
drop type sale_line_amount;
"""


def _sale_functions_of_0004() -> str:
    """0004's claim_sale and record_sale, put back on downgrade (one copy of their text)."""
    schema = revision_module("0004_sale_write_by_key.py").SCHEMA
    functions = schema[schema.index("-- Claim a sale's") :]
    drop_start = functions.index("drop function record_sale(")  # 0002's, gone since 0004
    return functions[:drop_start] + functions[functions.index(";", drop_start) + 1 :]


def upgrade() -> None:
    op.execute(SCHEMA)
    # claim_sale and record_sale: replaced by post_sale
    op.execute(revision_module("0004_sale_write_by_key.py").DROP)


def downgrade() -> None:
    op.execute(DROP)
    op.execute(_sale_functions_of_0004())
