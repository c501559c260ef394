"""Returns: a credit note per return, never more back than was sold, nor more refunded than paid."""

import datetime as dt
import threading
import time
from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services.errors import InvalidInput
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.factories import LIMA_NOON, build_chain, stock_up


def sell_one(conn, key, qty, total, sku="SKU0001"):
    return sell(
        conn,
        SaleRequest(key, "0001", [SaleLineInput(sku, D(qty))], [PaymentInput("cash", D(total))],
                    sold_at=LIMA_NOON),
    )  # fmt: skip


def wait_until_blocked(conn, timeout=10.0):
    """Wait until another session of this database waits for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = conn.execute(
            "select count(*) from pg_stat_activity where datname = current_database() "
            "and wait_event_type = 'Lock'"
        ).fetchone()[0]
        conn.rollback()  # pg_stat_activity is read once per transaction
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the other session never waited for a lock")


def test_two_concurrent_returns_cannot_return_one_line_twice(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")
    sale = sell_one(conn, "s1", "2", "23.60")
    conn.commit()
    line = sale.line_ids[0]
    outcome = {}

    def second_terminal():
        with psycopg.connect(db_url) as other:
            request = ReturnRequest("r2", sale.sale_id, [ReturnLineInput(line, D("2"))])
            try:
                outcome["result"] = return_sale(other, request)
            except InvalidInput as exc:
                outcome["result"] = exc

    with psycopg.connect(db_url) as first:
        with first.transaction():
            return_sale(first, ReturnRequest("r1", sale.sale_id, [ReturnLineInput(line, D("2"))]))
            thread = threading.Thread(target=second_terminal)
            thread.start()
            wait_until_blocked(conn)
        thread.join(30)
    assert isinstance(outcome["result"], InvalidInput)
    assert "only 0.000 left to return" in str(outcome["result"])
    assert conn.execute("select sum(quantity) from return_lines").fetchone()[0] == D("2")


def test_returns_in_parts_never_refund_more_than_the_line_was_paid(conn):
    chain = build_chain(conn, n_products=1, price="3.33")
    stock_up(conn, chain, "0001", "SKU0001", 10, "2.00")
    sale = sell_one(conn, "s1", "1.5", "5.00")  # 1.5 x 3.33 = 4.995 -> 5.00
    line = sale.line_ids[0]
    for i in range(3):
        return_sale(conn, ReturnRequest(f"r{i}", sale.sale_id, [ReturnLineInput(line, D("0.5"))]))
    refunded = conn.execute("select sum(total_amount) from returns").fetchone()[0]
    assert refunded == D("5.00")


def test_a_return_dated_before_its_sale_is_refused_and_leaves_nothing(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    sale = sell_one(conn, "s1", "1", "11.80")
    line = conn.execute("select sale_line_id from sale_lines").fetchone()[0]
    early = ReturnRequest("r1", sale.sale_id, [ReturnLineInput(line, D(1))],
                          returned_at=LIMA_NOON - dt.timedelta(minutes=1))  # fmt: skip
    with pytest.raises(InvalidInput, match=r"returned_at.*before the sale"):
        return_sale(conn, early)
    assert conn.execute("select count(*) from returns").fetchone() == (0,)
    assert conn.execute("select count(*) from idempotency_keys where key = 'r1'").fetchone() == (0,)


def test_goods_come_back_at_exactly_the_cost_they_left_with(conn):
    # 30,000 units worth S/ 100,000.00 average 3.333333 (six decimals); selling them all takes
    # the whole 100,000.00 out, while 30,000 x 3.333333 would be 99,999.99
    chain = build_chain(conn, n_products=1, price="0.01")
    stock_up(conn, chain, "0001", "SKU0001", 20_000, "3.00")
    stock_up(conn, chain, "0001", "SKU0001", 10_000, "4.00")
    sale = sell_one(conn, "s1", "30000", "300.00")
    line = sale.line_ids[0]
    for i, part in enumerate(["10000", "20000"]):  # in parts: they add up to what left
        return_sale(conn, ReturnRequest(f"r{i}", sale.sale_id, [ReturnLineInput(line, D(part))]))
    balance = conn.execute("select quantity, total_value from stock_balances").fetchone()
    assert balance == (D(30_000), D("100000.00"))
    back = conn.execute("select sum(cost_amount) from return_lines").fetchone()[0]
    assert back == D("100000.00")


@pytest.mark.parametrize(
    ("sale_id", "reason", "match"),
    [
        ("x", "devolución", "sale_id='x': must be a sale's id"),
        (None, "devolución", "sale_id=None"),
        ("own", "   ", "reason='   ': the credit note's reason: 1 to 500 characters"),
        ("own", "x" * 501, "reason='xxx"),
    ],
)
def test_a_return_without_a_sale_id_or_a_reason_it_can_carry_is_refused(
    conn, sale_id, reason, match
):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    sale = sell_one(conn, "s1", "1", "11.80")
    line = conn.execute("select sale_line_id from sale_lines").fetchone()[0]
    request = ReturnRequest("r1", sale.sale_id if sale_id == "own" else sale_id,
                            [ReturnLineInput(line, D(1))], reason=reason)  # fmt: skip
    with pytest.raises(InvalidInput, match=match):
        return_sale(conn, request)
    assert conn.execute("select count(*) from returns").fetchone() == (0,)
