"""The generated kardex is a valid weighted-average ledger, in step with stock and documents."""

from __future__ import annotations

from collections import defaultdict

from erp_core.domain import kardex
from erp_core.domain.kardex import Balance

INCOMING_AT_VALUE = {"21"}  # transfers arrive with exactly the value that left


def test_last_kardex_balance_equals_stock_balances_for_every_product_and_store(small):
    mismatches = small.execute(
        """
        with last as (
            select distinct on (store_id, product_id) store_id, product_id, balance_quantity,
                   balance_unit_cost, balance_value, moved_at
            from kardex order by store_id, product_id, kardex_id desc)
        select count(*) filter (where b.product_id is null or l.store_id is null
                  or (l.balance_quantity, l.balance_unit_cost, l.balance_value, l.moved_at)
                     is distinct from (b.quantity, b.unit_cost, b.total_value, b.last_movement_at)),
               count(*)
        from last l full join stock_balances b using (store_id, product_id)
        """
    ).fetchone()
    assert mismatches[1] > 1000
    assert mismatches[0] == 0


def test_running_balance_is_the_cumulative_sum_of_movements(small):
    bad = small.execute(
        """
        select count(*) from (
            select balance_quantity, balance_value,
                   sum(quantity_in - quantity_out) over w as qty,
                   sum(total_in - total_out) over w as value
            from kardex
            window w as (partition by store_id, product_id order by kardex_id)) k
        where balance_quantity <> qty or balance_value <> value
        """
    ).fetchone()[0]
    assert bad == 0


def test_recomputing_the_kardex_with_the_domain_valuation_gives_the_same_rows(small):
    rows = small.execute(
        "select store_id, product_id, operation_type, quantity_in, unit_cost_in, total_in, "
        "quantity_out, unit_cost_out, total_out, balance_quantity, balance_unit_cost, "
        "balance_value from kardex order by store_id, product_id, kardex_id"
    ).fetchall()
    balances: dict[tuple, Balance] = defaultdict(Balance)
    differences = 0
    for store, product, op, q_in, c_in, t_in, q_out, c_out, t_out, *after in rows:
        balance = balances[(store, product)]
        if q_in > 0 and op in INCOMING_AT_VALUE:
            m = kardex.receive_value(balance, q_in, t_in)
        elif q_in > 0 and op == kardex.OP_CUSTOMER_RETURN:  # a share of its sale's cost, at the
            m = kardex.receive_value(balance, q_in, t_in, c_in)  # unit cost the goods left with
        elif q_in > 0:
            m = kardex.receive(balance, q_in, c_in)
        else:
            m = kardex.issue(balance, q_out)
        computed = (
            m.quantity_in,
            m.unit_cost_in,
            m.total_in,
            m.quantity_out,
            m.unit_cost_out,
            m.total_out,
            m.balance.quantity,
            m.balance.unit_cost,
            m.balance.value,
        )
        differences += computed != (q_in, c_in, t_in, q_out, c_out, t_out, *after)
        balances[(store, product)] = m.balance
    assert len(rows) > 100_000
    assert differences == 0


def test_stock_never_goes_negative(small):
    low = small.execute("select min(balance_quantity), min(balance_value) from kardex").fetchone()
    assert low == (0, 0)
    assert small.execute("select min(quantity) from stock_balances").fetchone()[0] == 0


def test_movements_are_in_time_order_with_lima_business_dates(small):
    disorder, wrong_date = small.execute(
        """
        select count(*) filter (where moved_at < previous),
               count(*) filter (where movement_date <> (moved_at at time zone 'America/Lima')::date)
        from (select moved_at, movement_date,
                     lag(moved_at) over (partition by store_id, product_id order by kardex_id)
                       as previous
              from kardex) k
        """
    ).fetchone()
    assert (disorder, wrong_date) == (0, 0)


def test_every_sale_line_is_one_kardex_01_at_its_cost(small):
    lines, matched = small.execute(
        """
        select (select count(*) from sale_lines),
               count(*) filter (where k.quantity_out = l.quantity and k.unit_cost_out = l.unit_cost
                                 and k.total_out = l.cost_amount and k.serie = s.serie
                                 and k.number = s.number and k.doc_type = s.doc_type)
        from kardex k
        join sales s on k.source_table = 'sales' and s.sale_id = k.source_id
        join sale_lines l on l.sale_id = s.sale_id and l.product_id = k.product_id
        where k.operation_type = '01'
        """
    ).fetchone()
    assert lines == matched


def test_returns_come_back_at_the_cost_the_goods_left_with(small):
    total, at_cost = small.execute(
        """
        select count(*),
               count(*) filter (where rl.unit_cost = sl.unit_cost and k.unit_cost_in = sl.unit_cost
                                 and k.quantity_in = rl.quantity and rl.cost_amount = k.total_in
                                 and k.total_in = round(sl.cost_amount * rl.quantity / sl.quantity,
                                                        2))
        from return_lines rl
        join sale_lines sl on sl.sale_line_id = rl.sale_line_id
        join kardex k on k.operation_type = '24' and k.source_table = 'returns'
             and k.source_id = rl.return_id and k.product_id = rl.product_id
        """
    ).fetchone()
    assert total > 500
    assert at_cost == total


def test_receipts_and_transfers_match_their_documents(small):
    receipts = small.execute(
        """
        select count(*), count(*) filter (where k.unit_cost_in = l.unit_cost
                                           and k.quantity_in = l.quantity)
        from goods_receipt_lines l join goods_receipts r using (goods_receipt_id)
        join kardex k on k.operation_type = '02' and k.source_id = r.goods_receipt_id
             and k.source_table = 'goods_receipts' and k.product_id = l.product_id
        """
    ).fetchone()
    transfers = small.execute(
        """
        select count(*),
               count(*) filter (where o.store_id = t.from_store_id and o.total_out = l.cost_amount
                                 and i.store_id = t.to_store_id and i.total_in = l.cost_amount)
        from transfer_lines l join transfers t using (transfer_id)
        join kardex o on o.operation_type = '11' and o.source_id = t.transfer_id
             and o.product_id = l.product_id
        join kardex i on i.operation_type = '21' and i.source_id = t.transfer_id
             and i.product_id = l.product_id
        where t.status = 'received'
        """
    ).fetchone()
    assert receipts[0] > 500 and receipts[0] == receipts[1]
    assert transfers[0] > 1000 and transfers[0] == transfers[1]


def test_warehouse_buys_and_ships_while_stores_sell(small):
    by_location = dict(
        small.execute(
            "select s.is_warehouse, array_agg(distinct k.operation_type order by "
            "k.operation_type) from kardex k join stores s using (store_id) group by 1"
        ).fetchall()
    )
    assert by_location[True] == ["02", "11", "13", "16"]
    assert by_location[False] == ["01", "13", "16", "21", "24", "28"]


def test_no_product_is_ordered_or_moved_before_it_was_created(small):
    early = small.execute(
        "select (select count(*) from kardex k join products p using (product_id) "
        "        where k.moved_at < p.created_at), "
        "       (select count(*) from purchase_order_lines l join purchase_orders o "
        "        using (purchase_order_id) join products p using (product_id) "
        "        where o.created_at < p.created_at)"
    ).fetchone()
    assert early == (0, 0)
