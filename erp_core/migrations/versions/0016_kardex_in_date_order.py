"""The kardex in date order, and monthly periods that close.

A sale dated 01/10 and a merma dated 30/09 were accepted for goods received today: the kardex
read by month then opened October at 0, took a unit out of nothing and closed at 5. Now a
movement dated on a day before the latest movement of its product in its store is refused,
naming that movement (docs/DECISIONLOG.md, 2026-12-07): the running balance and the average
cost of every kardex row are then those of its date. ``stock_balances.last_movement_at`` is the
latest movement's moment (kept as the greatest, backfilled here from the kardex), so the check
costs nothing more than the balance row the movement locks anyway; ``latest_movement`` names
the refusing movement only when there is a refusal.

Monthly periods close (``period_closures``, every close and reopening with its reason and its
author in ``period_events``): nothing is posted into a closed month. A movement holds its month
open with a shared advisory lock (class 1300131, the month as YYYYMM) while it posts; a close
takes it exclusively (``services/periods.py``).

``post_sale`` and ``post_sales`` hold both rules as the services do: IL423 for a closed month,
IL425 for a sale dated before the latest movement of one of its products (with that movement
in the JSON detail), checked where the stock is (a sale of a product is refused for its date
before its quantity).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from alembic import op

from erp_core.migration_text import revision_module

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SCHEMA = r"""
create table period_closures (
    month date primary key check (month = date_trunc('month', month)::date),
    closed_at timestamptz not null,
    closed_by text not null,
    reason text not null
);
create table period_events (
    period_event_id bigint generated always as identity primary key,
    month date not null,
    action text not null check (action in ('close', 'reopen')),
    reason text not null,
    done_by text not null,
    done_at timestamptz not null default now()
);

-- every balance knows its latest movement, whoever wrote the kardex (a demo load, a batch)
update stock_balances b set last_movement_at = k.moved_at
from (select store_id, product_id, max(moved_at) as moved_at from kardex group by 1, 2) k
where b.store_id = k.store_id and b.product_id = k.product_id
  and (b.last_movement_at is null or b.last_movement_at < k.moved_at);

-- The last kardex row of a product in a store on a day: the movement a back-dated one is
-- refused by (services/ledger.py latest_movement says the same).
create function latest_movement(p_store_id bigint, p_product_id bigint, p_day date)
returns jsonb
language sql stable
set enable_seqscan = off
as $$
    select jsonb_build_object('operation', k.operation_type, 'doc_type', k.doc_type,
        'serie', k.serie, 'number', k.number, 'date', k.movement_date)
    from kardex k
    where k.store_id = p_store_id and k.product_id = p_product_id and k.movement_date = p_day
    order by k.kardex_id desc limit 1
$$;

-- The lock a movement holds on its month while it posts (services/periods.py _lock_key).
create function period_lock_key(p_day date) returns integer
language sql immutable as $$
    select (extract(year from p_day)::integer * 100 + extract(month from p_day)::integer)
$$;
"""

DROP = """
drop function period_lock_key(date);
drop function latest_movement(bigint, bigint, date);
drop table period_events;
drop table period_closures;
"""

CLOSED = """jsonb_build_object('field', 'sold_at', 'value', {at}, 'month', {month},
                'reason', format('falls in the closed period %s', to_char({month}, 'MM/YYYY')))"""

POST_SALE_CHANGES = [
    ("    v_result jsonb;\n", "    v_result jsonb;\n    f_last_dates date[];\n"),
    (
        "            select b.ctid as tid, b.quantity, b.unit_cost, b.total_value "
        "from stock_balances b\n",
        "            select b.ctid as tid, b.quantity, b.unit_cost, b.total_value,\n"
        "                (b.last_movement_at at time zone 'America/Lima')::date as last_date\n"
        "            from stock_balances b\n",
    ),
    (
        "            b.unit_cost, b.total_value, promo.discount_pct, promo.promotion_id\n",
        "            b.unit_cost, b.total_value, promo.discount_pct, promo.promotion_id, "
        "b.last_date\n",
    ),
    (
        "        array_agg(coalesce(x.total_value, 0)), array_agg(x.tid)\n",
        "        array_agg(coalesce(x.total_value, 0)), array_agg(x.tid), array_agg(x.last_date)\n",
    ),
    (
        "        f_balance_tids\n    from claimed c",
        "        f_balance_tids, f_last_dates\n    from claimed c",
    ),
    (
        """            detail = jsonb_build_object('entity', 'store', 'key', p_store_code);
    end if;
""",
        """            detail = jsonb_build_object('entity', 'store', 'key', p_store_code);
    end if;
    -- the month is held open while the sale posts; a closed one takes nothing (0016)
    perform pg_advisory_xact_lock_shared(1300131, period_lock_key(p_sale_date));
    if exists (select 1 from period_closures pc
               where pc.month = date_trunc('month', p_sale_date)::date) then
        raise exception using errcode = 'IL423', message = 'the sale falls in a closed period',
            detail = """
        + CLOSED.format(at="p_sold_at", month="date_trunc('month', p_sale_date)::date")
        + """;
    end if;
""",
    ),
    (
        "        if p_quantities[i] > f_stock[k] then\n",
        """        if p_sale_date < f_last_dates[k] then  -- the kardex is kept in date order (0016)
            raise exception using errcode = 'IL425',
                message = format('the sale is dated before the latest movement of product %s',
                    p_skus[i]),
                detail = jsonb_build_object('field', 'sold_at', 'value', p_sold_at,
                    'product', p_skus[i], 'store', v_store_code,
                    'later', latest_movement(v_store_id, f_product_ids[k], f_last_dates[k]));
        end if;
        if p_quantities[i] > f_stock[k] then
""",
    ),
    (
        "            total_value = n.total_value, last_movement_at = p_sold_at\n",
        "            total_value = n.total_value,\n"
        "            last_movement_at = greatest(b.last_movement_at, p_sold_at)\n",
    ),
]

POST_SALES_CHANGES = [
    (
        "    keep_values numeric[];\n",
        "    keep_values numeric[];\n    keep_last_dates date[];\n    keep_last_sales integer[];\n"
        "    b_last_dates date[];  -- per balance: the day of its latest movement, and the sale\n"
        "    b_last_sales integer[];  -- of this batch that moved it last (null: none)\n"
        "    v_closed date[];  -- the closed months among the sales' months\n",
    ),
    (
        """    if v_keys <> n then  -- the second would be written under the first's sale id
        raise exception 'post_sales: an idempotency key is given twice in one call';
    end if;
""",
        """    if v_keys <> n then  -- the second would be written under the first's sale id
        raise exception 'post_sales: an idempotency key is given twice in one call';
    end if;

    -- the sales' months held open while they post, then the closed ones among them (0016)
    perform pg_advisory_xact_lock_shared(1300131, m.key)
    from (select distinct period_lock_key(d) as key from unnest(p_sale_dates) d order by 1) m;
    v_closed := array(select pc.month from period_closures pc
                      where pc.month = any(array(select date_trunc('month', d)::date
                                                 from unnest(p_sale_dates) d)));
""",
    ),
    (
        "        array_agg(coalesce(b.total_value, 0) order by x.i), array_agg(b.tid order by x.i)\n"
        "    into l_product_ids, l_list_prices, l_affectations, l_discount_pcts, l_promotion_ids,\n"
        "        l_first, b_stock, b_unit_costs, b_values, b_tids\n",
        "        array_agg(coalesce(b.total_value, 0) order by x.i), array_agg(b.tid order by x.i),\n"
        "        array_agg(b.last_date order by x.i)\n"
        "    into l_product_ids, l_list_prices, l_affectations, l_discount_pcts, l_promotion_ids,\n"
        "        l_first, b_stock, b_unit_costs, b_values, b_tids, b_last_dates\n",
    ),
    (
        "        select b.ctid as tid, b.quantity, b.unit_cost, b.total_value "
        "from stock_balances b\n",
        "        select b.ctid as tid, b.quantity, b.unit_cost, b.total_value,\n"
        "            (b.last_movement_at at time zone 'America/Lima')::date as last_date\n"
        "        from stock_balances b\n",
    ),
    (
        """            s_detail[s] := jsonb_build_object('entity', 'store', 'key', p_store_codes[s]);
            continue;
        end if;
""",
        """            s_detail[s] := jsonb_build_object('entity', 'store', 'key', p_store_codes[s]);
            continue;
        end if;
        if date_trunc('month', p_sale_dates[s])::date = any(v_closed) then
            s_state[s] := 'IL423';
            s_message[s] := 'the sale falls in a closed period';
            s_detail[s] := """
        + CLOSED.format(at="p_sold_ats[s]", month="date_trunc('month', p_sale_dates[s])::date")
        + """;
            continue;
        end if;
""",
    ),
    (
        "        keep_values := b_values;\n",
        "        keep_values := b_values;\n        keep_last_dates := b_last_dates;\n"
        "        keep_last_sales := b_last_sales;\n",
    ),
    (
        "            if p_quantities[i] > b_stock[k] then\n",
        """            if p_sale_dates[s] < b_last_dates[k] then  -- the kardex in date order (0016)
                s_state[s] := 'IL425';
                s_message[s] := format(
                    'the sale is dated before the latest movement of product %s', p_skus[i]);
                s_detail[s] := jsonb_build_object('field', 'sold_at', 'value', p_sold_ats[s],
                    'product', p_skus[i], 'store', s_store_codes[s], 'later',
                    case when b_last_sales[k] is null then
                        latest_movement(s_store_ids[s], l_product_ids[i], b_last_dates[k])
                    else jsonb_build_object('operation', '01',
                        'doc_type', p_doc_types[b_last_sales[k]],
                        'serie', s_series[b_last_sales[k]],
                        'number', s_numbers[b_last_sales[k]], 'date', b_last_dates[k]) end);
                exit;
            end if;
            if p_quantities[i] > b_stock[k] then
""",
    ),
    (
        "            b_values[k] := m.balance_value;\n",
        "            b_values[k] := m.balance_value;\n"
        "            if b_last_dates[k] is null or p_sale_dates[s] >= b_last_dates[k] then\n"
        "                b_last_dates[k] := p_sale_dates[s];\n"
        "                b_last_sales[k] := s;\n"
        "            end if;\n",
    ),
    (
        "            b_values := keep_values;\n",
        "            b_values := keep_values;\n            b_last_dates := keep_last_dates;\n"
        "            b_last_sales := keep_last_sales;\n",
    ),
    (
        "            total_value = b_values[x.k], last_movement_at = x.moved_at\n",
        "            total_value = b_values[x.k],\n"
        "            last_movement_at = greatest(b.last_movement_at, x.moved_at)\n",
    ),
]


def _replaced(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, f"the function's text is not what 0016 expects: {old!r}"
        text = text.replace(old, new)
    return text


def _of_0014():
    return revision_module("0014_requests_remembered_by_key.py")


def post_sale_of_0016() -> str:
    return _replaced(_of_0014().post_sale_of_0014(), POST_SALE_CHANGES)


def post_sales_of_0016() -> str:
    text = _replaced(_of_0014().post_sales_of_0014(), POST_SALES_CHANGES)
    # b_last_sales starts as nulls, one per line slot
    start = "    l_moves := array_fill(null::stock_issue, array[n_lines]);\n"
    return _replaced(text, [(start, start + "    b_last_sales := array_fill(null::integer, "
                                            "array[n_lines]);\n")])  # fmt: skip


def upgrade() -> None:
    m = _of_0014()
    op.execute(SCHEMA)
    op.execute(f"drop function post_sale({m.POST_SALE_ARGUMENTS}, text)")
    op.execute(post_sale_of_0016())
    op.execute(f"drop function post_sales({m.POST_SALES_ARGUMENTS}, text[])")
    op.execute(post_sales_of_0016())


def downgrade() -> None:
    m = _of_0014()
    op.execute(f"drop function post_sales({m.POST_SALES_ARGUMENTS}, text[])")
    op.execute(m.post_sales_of_0014())
    op.execute(f"drop function post_sale({m.POST_SALE_ARGUMENTS}, text)")
    op.execute(m.post_sale_of_0014())
    op.execute(DROP)
