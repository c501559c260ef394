"""Transfers: guías numbered without gaps; never to the store they leave."""

import datetime as dt
import threading
from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services.errors import InsufficientStock, InvalidInput
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
from tests.factories import LIMA_NOON, build_chain, stock_up


def test_transfer_guides_are_numbered_without_gaps(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    one = [TransferLineInput("SKU0001", D(1))]
    first = dispatch_transfer(conn, "t1", "0001", "0002", one, LIMA_NOON)
    with pytest.raises(InsufficientStock):
        dispatch_transfer(conn, "t2", "0001", "0002", [TransferLineInput("SKU0001", D(9))])
    second = dispatch_transfer(conn, "t3", "0001", "0002", one, LIMA_NOON + dt.timedelta(hours=1))
    numbers = conn.execute(
        "select number from transfers where transfer_id = any(%s) order by number",
        ([first, second],),
    ).fetchall()
    assert numbers == [(1,), (2,)]
    kardex = conn.execute(
        "select distinct number from kardex where operation_type = '11' order by 1"
    ).fetchall()
    assert kardex == [(1,), (2,)]
    with pytest.raises(psycopg.errors.UniqueViolation):  # a guía number is never given twice
        conn.execute("update transfers set number = 1 where transfer_id = %s", (second,))
    conn.rollback()


def test_a_transfer_to_the_same_store_spelled_differently_is_refused_by_name(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    with pytest.raises(InvalidInput, match="to_store='0001 '"):
        dispatch_transfer(conn, "t1", "0001", "0001 ", [TransferLineInput("SKU0001", D(1))])


def test_concurrent_dispatches_take_consecutive_guide_numbers(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")
    conn.commit()
    barrier = threading.Barrier(4)

    def dispatcher(i):
        with psycopg.connect(db_url) as other:
            barrier.wait()
            dispatch_transfer(other, f"t{i}", "0001", "0002", [TransferLineInput("SKU0001", D(1))])

    threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    numbers = conn.execute("select number from transfers order by number").fetchall()
    assert numbers == [(1,), (2,), (3,), (4,)]


def test_a_transfer_received_before_it_was_dispatched_is_refused_by_name(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    one = [TransferLineInput("SKU0001", D(1))]
    transfer = dispatch_transfer(conn, "t1", "0001", "0002", one, LIMA_NOON)
    early = LIMA_NOON - dt.timedelta(hours=2)
    with pytest.raises(
        InvalidInput, match=r"received_at='2026-03-10T15:00:00\+00:00': is before the transfer "
        r"was dispatched, 10/03/2026 12:00 in Lima",
    ):  # fmt: skip
        receive_transfer(conn, "r1", transfer, early)
    assert conn.execute("select status from transfers").fetchone() == ("in_transit",)
    arrivals = "select count(*) from kardex where operation_type = '21'"
    assert conn.execute(arrivals).fetchone()[0] == 0
    receive_transfer(conn, "r2", transfer, LIMA_NOON + dt.timedelta(hours=3))
    assert conn.execute("select status from transfers").fetchone() == ("received",)
