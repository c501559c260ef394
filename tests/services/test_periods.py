"""Closed periods: nothing is posted into a closed month, by any service; reopening is recorded."""

import datetime as dt
import threading
from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services import periods
from erp_core.services.adjustments import StockLineInput, record_opening_balance, record_shrinkage
from erp_core.services.errors import InvalidInput, PeriodClosed
from erp_core.services.purchasing import PurchaseLineInput, receive_goods
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell, sell_many
from erp_core.services.transfers import TransferLineInput, dispatch_transfer
from erp_core.timeutil import LIMA
from tests.factories import build_chain

OCTOBER = dt.date(2026, 10, 1)
IN_OCTOBER = dt.datetime(2026, 10, 20, 10, 0, tzinfo=LIMA)
IN_NOVEMBER = dt.datetime(2026, 11, 3, 10, 0, tzinfo=LIMA)


def a_sale(key: str, at: dt.datetime) -> SaleRequest:
    return SaleRequest(key, "0001", [SaleLineInput("SKU0001", D(1))],
                       [PaymentInput("cash", D("11.80"))], sold_at=at)  # fmt: skip


@pytest.fixture
def chain(conn):
    chain = build_chain(conn, n_products=1)
    record_opening_balance(conn, "o1", "0001", [StockLineInput("SKU0001", D(20), D("4.00"))],
                           at=dt.datetime(2026, 9, 1, tzinfo=LIMA))  # fmt: skip
    periods.close_period(conn, OCTOBER, "libros de octubre presentados", "contadora")
    return chain


def test_nothing_is_posted_into_a_closed_month_by_any_service(conn, chain):
    moves = {
        "sold_at": lambda: sell(conn, a_sale("s1", IN_OCTOBER)),
        "received_at": lambda: receive_goods(
            conn, "g1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(1), D(4))],
            "G001", 1, IN_OCTOBER),
        "dispatched_at": lambda: dispatch_transfer(
            conn, "t1", "0001", "0002", [TransferLineInput("SKU0001", D(1))], IN_OCTOBER),
        "at": lambda: record_shrinkage(
            conn, "m1", "0001", [StockLineInput("SKU0001", D(1))], at=IN_OCTOBER),
    }  # fmt: skip
    for field, move in moves.items():
        with pytest.raises(PeriodClosed) as refused:
            move()
        conn.rollback()
        assert refused.value.field == field
        assert "falls in the closed period 10/2026" in str(refused.value)
    conn.autocommit = True
    (batch,) = sell_many(conn, [a_sale("b1", IN_OCTOBER)])
    batch_of_two = sell_many(conn, [a_sale("b2", IN_OCTOBER), a_sale("b3", IN_NOVEMBER)])
    assert isinstance(batch, PeriodClosed) and isinstance(batch_of_two[0], PeriodClosed)
    assert batch.month == OCTOBER
    assert not isinstance(batch_of_two[1], Exception)  # November is open
    months = conn.execute("select distinct date_trunc('month', movement_date) from kardex")
    assert sorted(row[0].month for row in months) == [9, 11]


def test_a_reopened_month_takes_movements_again_and_both_acts_are_recorded(conn, chain):
    with pytest.raises(PeriodClosed):
        sell(conn, a_sale("s1", IN_OCTOBER))
    periods.reopen_period(conn, OCTOBER, "nota de crédito omitida", "contadora")
    assert sell(conn, a_sale("s1", IN_OCTOBER)).sale_date == IN_OCTOBER.date()
    events = conn.execute(
        "select month, action, reason, done_by from period_events order by period_event_id"
    ).fetchall()
    assert events == [
        (OCTOBER, "close", "libros de octubre presentados", "contadora"),
        (OCTOBER, "reopen", "nota de crédito omitida", "contadora"),
    ]
    assert periods.closed_months(conn) == []


@pytest.mark.parametrize(
    ("action", "month", "reason", "match"),
    [
        ("close", OCTOBER, "otra vez", "month='10/2026': is already closed"),
        ("reopen", dt.date(2026, 9, 1), "por si acaso", "month='09/2026': is not closed"),
        ("close", dt.date(2099, 1, 1), "adelantado", "has not ended yet"),
        ("close", dt.date(2026, 9, 1), "  ", "reason='  ': must have 1 to 500"),
    ],
)
def test_a_period_act_that_cannot_be_is_refused_by_name(conn, chain, action, month, reason, match):
    act = periods.close_period if action == "close" else periods.reopen_period
    with pytest.raises(InvalidInput, match=match):
        act(conn, month, reason, "contadora")
    assert len(conn.execute("select * from period_events").fetchall()) == 1


def test_a_close_waits_for_the_movements_posting_into_its_month(conn, chain, db_url):
    """A merma posting into September holds the month open: the close waits for its commit,
    and a merma after the close is refused."""
    conn.commit()
    september, in_september = dt.date(2026, 9, 1), dt.datetime(2026, 9, 15, 10, tzinfo=LIMA)
    closed = threading.Event()

    def close():
        with psycopg.connect(db_url) as accountant:
            periods.close_period(accountant, september, "libros de setiembre", "contadora")
        closed.set()

    with psycopg.connect(db_url) as till, till.transaction():
        record_shrinkage(till, "m1", "0001", [StockLineInput("SKU0001", D(1))], at=in_september)
        closer = threading.Thread(target=close)
        closer.start()
        assert not closed.wait(1.0)  # waits for the merma's transaction
    closer.join(30)
    assert closed.is_set()
    with pytest.raises(PeriodClosed):
        record_shrinkage(conn, "m2", "0001", [StockLineInput("SKU0001", D(1))], at=in_september)
    conn.rollback()
    assert conn.execute("select count(*) from kardex where operation_type = '13'").fetchone() == (
        1,
    )
