"""Sales written in batches: ``post_sales`` writes many sales in one statement, each on its own.

A sale's server time is mostly fixed cost, not its rows: measured on a 2-core Xeon, one
``post_sale`` takes 1.07 ms of server CPU with one line and 0.085 ms more per line; starting
the executor for its statements, compiling their check constraints and foreign-key checks, and
the commit are paid once a statement whatever it writes. ``post_sales`` takes N sales as
parallel arrays (lines and payments carry the ordinal of their sale, in order) and writes them
with the statements of one: 0.49 ms a sale in batches of 8, 0.39 ms in batches of 16, against
1.21 ms through ``post_sale`` (same run). ``services/sales_writer.py`` gathers the sales of
concurrent callers into such batches.

Each sale stands on its own: a refused sale comes back as a row with its error (the SQLSTATE,
message and JSON detail ``post_sale`` raises for it) and frees its idempotency key, and the
others are written; balances are valued sale after sale in the order given, so a refused sale
leaves them as it found them. Locks are taken as ``post_sale`` takes them: the keys, then the
balances in (product, store) order, then the series in series_id order, so a batch and a sale
never deadlock.

``post_sale`` stays as it is for a single sale (a batch of one costs 1.74 ms: more statements);
``tests/services/test_post_sales.py`` holds the two to the same rows for the same sales.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- Many sales, each whole or refused on its own. Per sale: p_keys .. p_numbers (p_numbers[s]
-- null: numbered here). Per line: p_line_sales[i] is the ordinal of its sale, and lines come in
-- their sales' order (so do payments). One row back per sale, with its ordinal: what was written
-- (replayed: the key was claimed before), or the error that refused it.
create function post_sales(
    p_keys text[], p_store_codes text[], p_doc_types text[], p_series text[],
    p_sale_dates date[], p_sold_ats timestamptz[], p_customer_ids bigint[], p_channels text[],
    p_numbers integer[],
    p_line_sales integer[], p_skus text[], p_quantities numeric[], p_unit_prices numeric[],
    p_payment_sales integer[], p_payment_methods text[], p_payment_amounts numeric[])
returns table (ordinal integer, sale_id bigint, sale_date date, serie char(4), number integer,
    total_amount numeric, taxable_amount numeric, igv_amount numeric, line_ids bigint[],
    replayed boolean, error_state text, error_message text, error_detail jsonb)
language plpgsql
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
    n integer := cardinality(p_keys);
    n_lines integer := cardinality(p_skus);
    n_payments integer := cardinality(p_payment_amounts);
    -- per sale (s_), in the order given
    s_ids bigint[];
    s_store_ids bigint[];
    s_store_codes text[];
    s_customer_docs text[];
    s_customer_found boolean[];
    s_series_ids bigint[];
    s_series text[];
    s_numbers integer[];
    s_taxable numeric[];
    s_exempt numeric[];
    s_igv numeric[];
    s_discount numeric[];
    s_total numeric[];
    s_ok boolean[];
    s_state text[];
    s_message text[];
    s_detail jsonb[];
    -- per line (l_), in the order given; l_first: the first line of the same product and store,
    -- whose slot in the b_ arrays holds their running balance
    l_product_ids bigint[];
    l_list_prices numeric[];
    l_affectations text[];
    l_discount_pcts numeric[];
    l_promotion_ids bigint[];
    l_first integer[];
    l_amounts sale_line_amount[];
    l_moves stock_issue[];
    b_stock numeric[];
    b_unit_costs numeric[];
    b_values numeric[];
    b_tids tid[];
    -- the running balances before the current sale, put back if it is refused
    keep_stock numeric[];
    keep_unit_costs numeric[];
    keep_values numeric[];
    -- per serie locked, in series_id order
    c_ids bigint[];
    c_last integer[];
    u_first integer[];  -- the balances that written sales moved (their l_first)
    a sale_line_amount;
    m stock_issue;
    s integer;
    j integer := 1;
    j0 integer;
    q integer := 1;
    k integer;
    c integer;
    v_paid numeric;
    v_keys integer;
begin
    -- Claim the keys (each taking its sale's id); a key claimed before leaves its id null. With
    -- each sale its store and its customer.
    with claimed as (
        insert into idempotency_keys (key, operation, result)
        select k.key, 'sale', jsonb_build_object(
            'sale_id', nextval('sales_sale_id_seq'), 'sale_date', k.sale_date)
        from unnest(p_keys, p_sale_dates) with ordinality as k(key, sale_date, i)
        order by k.key  -- two batches wait for each other's keys in one order
        on conflict (key) do nothing
        returning key, (result->>'sale_id')::bigint as sale_id
    )
    select array_agg(cl.sale_id order by k.i), array_agg(st.store_id order by k.i),
        array_agg(st.code order by k.i), array_agg(cu.doc_type order by k.i),
        array_agg(cu.customer_id is not null order by k.i), count(distinct k.key)
    into s_ids, s_store_ids, s_store_codes, s_customer_docs, s_customer_found, v_keys
    from unnest(p_keys, p_store_codes, p_customer_ids) with ordinality as k(key, code, customer_id, i)
    left join claimed cl on cl.key = k.key
    left join stores st on length(k.code) <= 4 and st.code = k.code::char(4)
    left join customers cu on cu.customer_id = k.customer_id;

    if v_keys <> n then  -- the second would be written under the first's sale id
        raise exception 'post_sales: an idempotency key is given twice in one call';
    end if;

    -- Each line's product and its promotion of the day; the balances of the sales to write,
    -- locked in (product, store) order, as every sale locks them: two sales never deadlock.
    select array_agg(x.product_id order by x.i), array_agg(x.list_price order by x.i),
        array_agg(x.igv_affectation order by x.i),
        array_agg(coalesce(pr.discount_pct, 0) order by x.i),
        array_agg(pr.promotion_id order by x.i), array_agg(x.first_line order by x.i),
        array_agg(coalesce(b.quantity, 0) order by x.i),
        array_agg(coalesce(b.unit_cost, 0) order by x.i),
        array_agg(coalesce(b.total_value, 0) order by x.i), array_agg(b.tid order by x.i)
    into l_product_ids, l_list_prices, l_affectations, l_discount_pcts, l_promotion_ids,
        l_first, b_stock, b_unit_costs, b_values, b_tids
    from (
        select l.i, l.s, p.product_id, p.list_price, p.igv_affectation::text,
            min(l.i) over (partition by p.product_id, s_store_ids[l.s], s_ids[l.s] is null)
                as first_line
        from unnest(p_line_sales, p_skus) with ordinality as l(s, sku, i)
        left join products p on p.sku = l.sku and p.is_active
        order by p.product_id, s_store_ids[l.s], l.i
    ) x
    left join lateral (
        select b.ctid as tid, b.quantity, b.unit_cost, b.total_value from stock_balances b
        where b.product_id = x.product_id and b.store_id = s_store_ids[x.s]
          and s_ids[x.s] is not null and x.first_line = x.i
        for update of b) b on true
    left join lateral (
        select pr.discount_pct, pr.promotion_id from promotions pr
        where pr.product_id = x.product_id
          and (pr.store_id is null or pr.store_id = s_store_ids[x.s])
          and p_sale_dates[x.s] between pr.starts_on and pr.ends_on
        order by pr.discount_pct desc limit 1) pr on true;

    -- Each sale's serie (the terminal's, or the store's first of the type), locked after the
    -- balances and in series_id order, as every sale locks them.
    with resolved as (
        select k.s, cs.series_id, cs.serie
        from generate_subscripts(p_keys, 1) as k(s)
        left join lateral (
            select cs.series_id, cs.serie from comprobante_series cs
            where s_ids[k.s] is not null
              and cs.store_id = s_store_ids[k.s] and cs.doc_type = p_doc_types[k.s]::char(2)
              and (p_series[k.s] is null
                   or (length(p_series[k.s]) <= 4 and cs.serie = p_series[k.s]::char(4)))
              and (p_series[k.s] is not null
                   or cs.serie like case when p_doc_types[k.s] = '01' then 'F%' else 'B%' end)
            order by cs.serie limit 1) cs on true
    ),
    locked as (
        select cs.series_id, cs.last_number from comprobante_series cs
        where cs.series_id = any(array(select r.series_id from resolved r))
        order by cs.series_id
        for update
    )
    select array_agg(r.series_id order by r.s), array_agg(r.serie order by r.s),
        (select array_agg(l.series_id order by l.series_id) from locked l),
        (select array_agg(l.last_number order by l.series_id) from locked l)
    into s_series_ids, s_series, c_ids, c_last
    from resolved r;
    s_numbers := array_fill(null::integer, array[n]);

    s_ok := array_fill(false, array[n]);
    s_taxable := array_fill(0.00, array[n]);
    s_exempt := s_taxable; s_igv := s_taxable; s_discount := s_taxable; s_total := s_taxable;
    s_state := array_fill(null::text, array[n]);
    s_message := s_state;
    s_detail := array_fill(null::jsonb, array[n]);
    l_amounts := array_fill(null::sale_line_amount, array[n_lines]);
    l_moves := array_fill(null::stock_issue, array[n_lines]);

    -- Price, check and value each sale in turn; a refused sale leaves the balances as it found
    -- them for the next one.
    <<sales>>
    for s in 1 .. n loop
        j0 := j;
        while j <= n_lines and p_line_sales[j] = s loop
            j := j + 1;
        end loop;
        v_paid := 0.00;
        while q <= n_payments and p_payment_sales[q] = s loop
            v_paid := v_paid + round(p_payment_amounts[q], 2);
            q := q + 1;
        end loop;
        continue when s_ids[s] is null;  -- claimed before: answered below
        if s_store_ids[s] is null then
            s_state[s] := 'IL404';
            s_message[s] := format('store %s not found', p_store_codes[s]);
            s_detail[s] := jsonb_build_object('entity', 'store', 'key', p_store_codes[s]);
            continue;
        end if;
        for i in j0 .. j - 1 loop
            if l_product_ids[i] is null then
                s_state[s] := 'IL404';
                s_message[s] := format('product %s not found', p_skus[i]);
                s_detail[s] := jsonb_build_object('entity', 'product', 'key', p_skus[i]);
                continue sales;
            end if;
            if p_unit_prices[i] is not null then  -- an import's price: no list price, no promotion
                a := sale_line_amounts(p_unit_prices[i], p_quantities[i], l_affectations[i], 0);
                l_promotion_ids[i] := null;
            else
                a := sale_line_amounts(l_list_prices[i], p_quantities[i], l_affectations[i],
                    l_discount_pcts[i]);
            end if;
            l_amounts[i] := a;
            s_total[s] := s_total[s] + a.line_total;
            s_igv[s] := s_igv[s] + a.igv_amount;
            s_discount[s] := s_discount[s] + a.discount_amount;
            if l_affectations[i] = '10' then  -- gravado
                s_taxable[s] := s_taxable[s] + a.taxable_amount;
            else
                s_exempt[s] := s_exempt[s] + a.taxable_amount;
            end if;
        end loop;
        if p_customer_ids[s] is not null and not s_customer_found[s] then
            s_state[s] := 'IL404';
            s_message[s] := format('customer %s not found', p_customer_ids[s]);
            s_detail[s] := jsonb_build_object('entity', 'customer', 'key', p_customer_ids[s]);
            continue;
        end if;
        if p_doc_types[s] = '01' and s_customer_docs[s] is distinct from '6' then
            s_state[s] := 'IL422';
            s_message[s] := 'a factura requires a customer with RUC';
            s_detail[s] := jsonb_build_object('field', 'customer_id', 'value', p_customer_ids[s],
                'reason', 'a factura requires a customer with RUC');
            continue;
        end if;
        if p_doc_types[s] = '03' and s_total[s] > 700 and p_customer_ids[s] is null then
            s_state[s] := 'IL422';
            s_message[s] := 'the buyer must be identified';
            s_detail[s] := jsonb_build_object('field', 'customer_id', 'value', null,
                'reason', format('a boleta of S/ %s (over S/ 700) must identify the buyer',
                    to_char(s_total[s], 'FM999,999,999,990.00')));
            continue;
        end if;
        if v_paid <> s_total[s] then
            s_state[s] := 'IL422';
            s_message[s] := 'payments must add up to the total';
            s_detail[s] := jsonb_build_object('field', 'payments', 'value', v_paid::text,
                'reason', format('payments must add up to the total %s', s_total[s]));
            continue;
        end if;
        keep_stock := b_stock;
        keep_unit_costs := b_unit_costs;
        keep_values := b_values;
        for i in j0 .. j - 1 loop
            k := l_first[i];
            if p_quantities[i] > b_stock[k] then
                s_state[s] := 'IL409';
                s_message[s] := format('insufficient stock of product %s', p_skus[i]);
                s_detail[s] := jsonb_build_object('product', p_skus[i], 'store',
                    s_store_codes[s], 'stock', b_stock[k], 'requested', p_quantities[i]);
                exit;
            end if;
            m := issue_at_average(p_quantities[i], b_stock[k], b_unit_costs[k], b_values[k]);
            l_moves[i] := m;
            b_stock[k] := m.balance_quantity;
            b_unit_costs[k] := m.balance_unit_cost;
            b_values[k] := m.balance_value;
        end loop;
        -- numbered once valued (post_sale's order of refusals): a refused sale takes no number
        c := array_position(c_ids, s_series_ids[s]);
        if s_state[s] is not null then
            null;
        elsif c is null then
            s_state[s] := 'P0002';
            s_message[s] := format('no comprobante serie %s of type %s in store %s',
                coalesce(p_series[s], '*'), p_doc_types[s], s_store_codes[s]);
        elsif p_numbers[s] is null then
            c_last[c] := c_last[c] + 1;
            s_numbers[s] := c_last[c];
        elsif p_numbers[s] > c_last[c] then  -- taken by the caller under the serie's lock
            s_numbers[s] := p_numbers[s];
        else
            s_state[s] := 'IL422';
            s_message[s] := format('number %s of serie %s was already taken', p_numbers[s],
                p_series[s]);
            s_detail[s] := jsonb_build_object('field', 'number', 'value', p_numbers[s],
                'reason', format('serie %s has numbered up to %s', p_series[s], c_last[c]));
        end if;
        if s_state[s] is not null then  -- refused after its lines left: they come back
            b_stock := keep_stock;
            b_unit_costs := keep_unit_costs;
            b_values := keep_values;
            continue;
        end if;
        s_ok[s] := true;
    end loop;
    if j <= n_lines or q <= n_payments then
        raise exception 'post_sales: lines and payments must come in the order of their sales';
    end if;

    -- the balances the written sales moved (the refused ones left theirs as they were)
    u_first := '{}';
    for i in 1 .. n_lines loop
        if s_ok[p_line_sales[i]] and not (l_first[i] = any(u_first)) then
            u_first := u_first || l_first[i];
        end if;
    end loop;
    -- the keys of refused sales are free again: a corrected retry is a new sale
    if not (true = all(s_ok)) then
        delete from idempotency_keys ik
        where ik.key = any(array(select p_keys[s] from generate_subscripts(p_keys, 1) s
                                 where s_ids[s] is not null and not s_ok[s]));
    end if;

    -- One statement writes every sale: header, its number, payments, lines, kardex, the new
    -- balances and the series' last numbers.
    return query
    with sale as (
        select k.s from generate_subscripts(p_keys, 1) as k(s) where s_ok[k.s]
    ),
    header as (
        insert into sales (sale_id, sale_date, sold_at, store_id, doc_type, serie, number,
            customer_id, channel, taxable_amount, exempt_amount, igv_amount, discount_amount,
            total_amount)
        overriding system value
        select s_ids[s], p_sale_dates[s], p_sold_ats[s], s_store_ids[s], p_doc_types[s],
            s_series[s], s_numbers[s], p_customer_ids[s], p_channels[s], s_taxable[s],
            s_exempt[s], s_igv[s], s_discount[s], s_total[s]
        from sale order by s
    ),
    issued as (
        insert into issued_documents (serie, number, doc_type, issued_on)
        select s_series[s], s_numbers[s], p_doc_types[s], p_sale_dates[s] from sale
    ),
    numbered as (
        update comprobante_series cs set last_number = u.last_number
        from unnest(c_ids, c_last) as u(series_id, last_number)
        where cs.series_id = any(c_ids) and cs.series_id = u.series_id
          and cs.last_number <> u.last_number
    ),
    payment as (
        insert into sale_payments (sale_id, sale_date, method, amount)
        select s_ids[p.s], p_sale_dates[p.s], p.method, round(p.amount, 2)
        from unnest(p_payment_sales, p_payment_methods, p_payment_amounts)
            with ordinality as p(s, method, amount, i)
        where s_ok[p.s]
        order by p.i
    ),
    line as (
        select l.i, p_line_sales[l.i] as s,
            (row_number() over (partition by p_line_sales[l.i] order by l.i))::smallint as line_no,
            (l_amounts[l.i]).*, (l_moves[l.i]).*
        from generate_subscripts(p_skus, 1) as l(i)
        where s_ok[p_line_sales[l.i]]
    ),
    written_lines as (
        insert into sale_lines (sale_id, sale_date, line_no, store_id, product_id, quantity,
            list_price, unit_price, discount_amount, promotion_id, igv_affectation,
            taxable_amount, igv_amount, line_total, unit_cost, cost_amount)
        select s_ids[l.s], p_sale_dates[l.s], l.line_no, s_store_ids[l.s], l_product_ids[l.i],
            p_quantities[l.i], l.list_price, l.unit_price, l.discount_amount,
            l_promotion_ids[l.i], l_affectations[l.i], l.taxable_amount, l.igv_amount,
            l.line_total, l.unit_cost_out, l.total_out
        from line l order by l.i
        returning sale_line_id, sale_id, line_no
    ),
    written_kardex as (
        insert into kardex (movement_date, moved_at, store_id, product_id, operation_type,
            doc_type, serie, number, source_table, source_id, quantity_out, unit_cost_out,
            total_out, balance_quantity, balance_unit_cost, balance_value)
        select p_sale_dates[l.s], p_sold_ats[l.s], s_store_ids[l.s], l_product_ids[l.i], '01',
            p_doc_types[l.s], s_series[l.s], s_numbers[l.s], 'sales', s_ids[l.s],
            p_quantities[l.i], l.unit_cost_out, l.total_out, l.balance_quantity,
            l.balance_unit_cost, l.balance_value
        from line l order by l.i
    ),
    written_balances as (  -- the rows locked above, found by their tuple ids: no scan
        update stock_balances b set quantity = b_stock[x.k], unit_cost = b_unit_costs[x.k],
            total_value = b_values[x.k], last_movement_at = x.moved_at
        from (select l_first[l.i] as k, max(p_sold_ats[l.s]) as moved_at from line l
              group by 1) x
        where b.ctid = any(array(select b_tids[k] from unnest(u_first) k))
          and b.ctid = b_tids[x.k]
    )
    select s.s, s_ids[s.s], p_sale_dates[s.s], s_series[s.s]::char(4), s_numbers[s.s],
        s_total[s.s], s_taxable[s.s], s_igv[s.s],
        array(select w.sale_line_id from written_lines w where w.sale_id = s_ids[s.s]
              order by w.line_no),
        false, null::text, null::text, null::jsonb
    from sale s
    union all
    select s, null::bigint, null::date, null::char(4), null::integer, null::numeric,
        null::numeric, null::numeric, null::bigint[], false, s_state[s], s_message[s],
        s_detail[s]
    from generate_subscripts(p_keys, 1) as s
    where s_ids[s] is not null and not s_ok[s];

    -- Keys claimed before: answered with what their sale wrote, as the first time.
    if array_position(s_ids, null) is not null then
        return query
        select k.s::integer, sa.sale_id, sa.sale_date, sa.serie, sa.number, sa.total_amount,
            sa.taxable_amount, sa.igv_amount,
            array(select l.sale_line_id from sale_lines l
                  where l.sale_id = sa.sale_id and l.sale_date = sa.sale_date order by l.line_no),
            true,
            case when ik.operation <> 'sale' then 'IL422' end,
            case when ik.operation <> 'sale' then
                format('idempotency key %s was already used for %s', ik.key, ik.operation) end,
            case when ik.operation <> 'sale' then
                jsonb_build_object('field', 'idempotency_key', 'value', ik.key,
                    'reason', format('was already used for %s, not sale', ik.operation)) end
        from generate_subscripts(p_keys, 1) as k(s)
        join idempotency_keys ik on ik.key = p_keys[k.s]
        left join sales sa on ik.operation = 'sale'
            and sa.sale_id = (ik.result->>'sale_id')::bigint
            and sa.sale_date = (ik.result->>'sale_date')::date
        where s_ids[k.s] is null;
    end if;
end;
$$;
"""

DROP = """
drop function post_sales(text[], text[], text[], text[], date[], timestamptz[], bigint[], text[],
    integer[], integer[], text[], numeric[], numeric[], integer[], text[], numeric[]);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DROP)
