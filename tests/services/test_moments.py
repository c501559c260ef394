"""A movement's timestamp: in the future, without a time zone, or in a month with no partition,
each operation refuses it naming the field, and writes nothing."""

import datetime as dt
from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services.adjustments import StockLineInput, record_shrinkage
from erp_core.services.errors import InvalidInput
from erp_core.services.moments import FUTURE_TOLERANCE
from erp_core.services.purchasing import PurchaseLineInput, receive_goods
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import sell, sell_many
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
from erp_core.timeutil import now
from tests.factories import LIMA_NOON, build_chain, stock_up
from tests.services.test_sales import sale, table_counts

BEFORE_ANY_PARTITION = dt.datetime(2019, 1, 15, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def chain(conn):
    chain = build_chain(conn)
    for sku in chain.skus:
        stock_up(conn, chain, "0001", sku, 10, "5.00")
    conn.commit()
    return chain


def operations(conn, chain, at):
    """Each operation that moves stock, at ``at``: (its timestamp's field, the call)."""
    sku = chain.skus[0]
    sold = sell(conn, sale("sold", [(sku, "2")], [("cash", "23.60")]))
    transfer = dispatch_transfer(conn, "sent", "0001", "0002", [TransferLineInput(sku, D(1))],
                                 LIMA_NOON)  # fmt: skip
    conn.commit()
    return [
        ("sold_at", lambda: sell(conn, sale("s", [(sku, "1")], [("yape", "11.80")], sold_at=at))),
        ("returned_at", lambda: return_sale(conn, ReturnRequest(
            "r", sold.sale_id, [ReturnLineInput(sold.line_ids[0], D(1))], returned_at=at))),
        ("received_at", lambda: receive_goods(conn, "g", chain.supplier_ruc, "0001",
                                              [PurchaseLineInput(sku, D(5), D(4))], "G001", 9,
                                              received_at=at)),
        ("dispatched_at", lambda: dispatch_transfer(conn, "d", "0001", "0002",
                                                    [TransferLineInput(sku, D(1))], at)),
        ("received_at", lambda: receive_transfer(conn, "t", transfer, at)),
        ("at", lambda: record_shrinkage(conn, "m", "0001", [StockLineInput(sku, D(1))], at=at)),
    ]  # fmt: skip


def refused(conn, call) -> InvalidInput:
    before = table_counts(conn)
    with pytest.raises(InvalidInput) as refusal:
        call()
    conn.rollback()
    assert table_counts(conn) == before
    return refusal.value


def test_a_movement_in_the_future_is_refused_naming_its_field(conn, chain):
    later = now() + FUTURE_TOLERANCE + dt.timedelta(minutes=1)
    for field, call in operations(conn, chain, later):
        error = refused(conn, call)
        assert (error.field, error.value) == (field, later.isoformat())
        assert "is in the future (now " in error.reason and "in Lima" in error.reason


def test_a_movement_without_a_time_zone_is_refused_naming_its_field(conn, chain):
    naive = dt.datetime(2026, 3, 10, 12, 0)
    for field, call in operations(conn, chain, naive):
        error = refused(conn, call)
        assert (error.field, error.value) == (field, "2026-03-10T12:00:00")
        assert "time zone" in error.reason


def test_a_month_with_no_partition_is_refused_naming_the_month_and_the_fix(conn, chain):
    for field, call in operations(conn, chain, BEFORE_ANY_PARTITION):
        error = refused(conn, call)
        assert (error.field, error.value) == (field, BEFORE_ANY_PARTITION.isoformat())
        if "is before the" in error.reason:  # before its sale, its dispatch: refused for that
            assert field in ("returned_at", "received_at")
            continue
        if "before the latest movement" in error.reason:  # the kardex is kept in date order
            continue
        assert "no monthly partition holds 01/2019" in error.reason
        assert "innovalogix db upgrade" in error.reason
    # a product the store never moved: nothing comes after it, the partition is what is missing
    error = refused(conn, lambda: receive_goods(
        conn, "g0", chain.supplier_ruc, "0002", [PurchaseLineInput(chain.skus[0], D(5), D(4))],
        "G001", 8, received_at=BEFORE_ANY_PARTITION))  # fmt: skip
    assert error.field == "received_at"
    assert "no monthly partition holds 01/2019" in error.reason


def test_a_clock_a_little_ahead_is_accepted(conn, chain):
    ahead = now() + FUTURE_TOLERANCE - dt.timedelta(minutes=1)
    written = sell(conn, sale("ahead", [(chain.skus[0], "1")], [("yape", "11.80")], sold_at=ahead))
    assert written.sale_date == ahead.astimezone(dt.timezone(dt.timedelta(hours=-5))).date()


def test_in_a_batch_only_the_sale_with_no_partition_is_refused(db_url, chain):
    with psycopg.connect(db_url, autocommit=True) as pos:
        sku = chain.skus[1]
        outcomes = sell_many(pos, [
            sale("b1", [(sku, "1")], [("yape", "11.80")]),
            sale("b2", [(sku, "1")], [("yape", "11.80")], sold_at=BEFORE_ANY_PARTITION),
            sale("b3", [(sku, "1")], [("yape", "11.80")]),
        ])  # fmt: skip
        assert isinstance(outcomes[1], InvalidInput) and outcomes[1].field == "sold_at"
        assert [o.number for o in (outcomes[0], outcomes[2])] == [1, 2]
        stock = pos.execute(
            "select b.quantity from stock_balances b join products p using (product_id) "
            "where p.sku = %s and b.store_id = (select store_id from stores where code = '0001')",
            (sku,),
        ).fetchone()[0]
        assert stock == 8
