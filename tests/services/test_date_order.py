"""The kardex in date order: a movement dated before a later one of its product is refused."""

import datetime as dt
from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services.adjustments import StockLineInput, record_shrinkage
from erp_core.services.errors import OutOfDateOrder
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell, sell_many
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
from erp_core.timeutil import LIMA
from tests.factories import build_chain, guide_number, stock_up

RECEIVED = dt.datetime(2026, 10, 7, 10, 0, tzinfo=LIMA)


def a_sale(key: str, at: dt.datetime, quantity: int = 1) -> SaleRequest:
    return SaleRequest(key, "0001", [SaleLineInput("SKU0001", D(quantity))],
                       [PaymentInput("cash", D("11.80") * quantity)], sold_at=at)  # fmt: skip


@pytest.fixture
def received(conn):
    """5 units of SKU0001 received in store 0001 on 07/10/2026 (guía G001-n)."""
    chain = build_chain(conn, n_products=1)
    from erp_core.services.purchasing import PurchaseLineInput, receive_goods

    receive_goods(conn, "g1", chain.supplier_ruc, "0001",
                  [PurchaseLineInput("SKU0001", D(5), D("4.00"))], "G001", guide_number("g1"),
                  RECEIVED)  # fmt: skip
    return chain


def kardex(conn) -> list[tuple]:
    return conn.execute(
        "select movement_date, operation_type, quantity_in - quantity_out, balance_quantity "
        "from kardex order by movement_date, kardex_id"
    ).fetchall()


def test_a_sale_and_a_merma_dated_before_the_receipt_are_refused_naming_it(conn, received):
    """The issue's case: a sale of 01/10 and a merma of 30/09 for goods received on 07/10."""
    guide = f"G001-{guide_number('g1')}"
    with pytest.raises(OutOfDateOrder) as sale:
        sell(conn, a_sale("s1", dt.datetime(2026, 10, 1, 10, 0, tzinfo=LIMA)))
    assert sale.value.field == "sold_at"
    assert (f"is dated before the latest movement of product SKU0001 in store 0001: operation "
            f"02, document 09 {guide} of 07/10/2026") in str(sale.value)  # fmt: skip
    with pytest.raises(OutOfDateOrder, match=f"at=.*operation 02, document 09 {guide}"):
        record_shrinkage(conn, "m1", "0001", [StockLineInput("SKU0001", D(1))],
                         at=dt.datetime(2026, 9, 30, 18, 0, tzinfo=LIMA))  # fmt: skip
    conn.rollback()
    assert kardex(conn) == [(dt.date(2026, 10, 7), "02", D(5), D(5))]
    assert conn.execute("select count(*) from sales").fetchone()[0] == 0


def test_the_same_day_or_later_is_accepted_and_the_kardex_adds_up_in_date_order(conn, received):
    """Within a day the ledger's order is the kardex's (PLE 13.1 dates a movement by its day)."""
    sell(conn, a_sale("s1", RECEIVED - dt.timedelta(hours=2)))  # 08:00, the receipt's day
    sell(conn, a_sale("s2", RECEIVED + dt.timedelta(days=1)))
    with pytest.raises(OutOfDateOrder, match="operation 01, document 03 B001-2 of 08/10/2026"):
        sell(conn, a_sale("s3", RECEIVED))
    rows = kardex(conn)
    assert [r[3] for r in rows] == [D(5), D(4), D(3)]
    running = D(0)
    for _, _, moved, balance in rows:
        running += moved
        assert balance == running >= 0


def test_a_batch_refuses_a_back_dated_sale_alone_naming_the_movement(conn, received):
    """post_sales (the writer, the import) holds the rule as post_sale does, also against a
    later-dated sale earlier in the same batch."""
    conn.commit()
    conn.autocommit = True
    later = RECEIVED + dt.timedelta(days=2)
    outcomes = sell_many(conn, [
        a_sale("b1", RECEIVED - dt.timedelta(days=1)),
        a_sale("b2", later),
        a_sale("b3", RECEIVED + dt.timedelta(days=1)),
        a_sale("b4", later),
    ])  # fmt: skip
    first, second, third, fourth = outcomes
    assert isinstance(first, OutOfDateOrder) and "document 09 G001-" in str(first)
    assert not isinstance(second, Exception) and not isinstance(fourth, Exception)
    assert isinstance(third, OutOfDateOrder)
    assert f"document 03 B001-{second.number} of 09/10/2026" in str(third)
    assert [r[3] for r in kardex(conn)] == [D(5), D(4), D(3)]


def test_a_return_and_a_transfer_receipt_keep_the_date_order_too(conn, received):
    sold = sell(conn, a_sale("s1", RECEIVED + dt.timedelta(days=1), quantity=2))
    stock_up(conn, received, "0002", "SKU0001", 1, "6.00")  # 09/03/2026 in store 0002
    transfer = dispatch_transfer(conn, "t1", "0001", "0002", [TransferLineInput("SKU0001", D(1))],
                                 RECEIVED + dt.timedelta(days=3))  # fmt: skip
    sell(conn, SaleRequest("s2", "0002", [SaleLineInput("SKU0001", D(1))],
                           [PaymentInput("cash", D("11.80"))],
                           sold_at=RECEIVED + dt.timedelta(days=5)))  # fmt: skip
    with pytest.raises(OutOfDateOrder, match=r"received_at=.*document 03 B002-1 of 12/10/2026"):
        receive_transfer(conn, "r1", transfer, RECEIVED + dt.timedelta(days=4))
    with pytest.raises(OutOfDateOrder, match=r"returned_at=.*document 09 T001-1 of 10/10/2026"):
        return_sale(conn, ReturnRequest("d1", sold.sale_id,
                                        [ReturnLineInput(sold.line_ids[0], D(1))],
                                        returned_at=RECEIVED + dt.timedelta(days=2)))  # fmt: skip
    receive_transfer(conn, "r2", transfer, RECEIVED + dt.timedelta(days=6))


def test_a_balance_written_by_a_batch_remembers_its_latest_movement(db_url, received, conn):
    """The latest movement's moment is kept as the greatest, whoever wrote it."""
    conn.commit()
    with psycopg.connect(db_url, autocommit=True) as till:
        sell_many(till, [a_sale("b1", RECEIVED + dt.timedelta(days=2)),
                         a_sale("b2", RECEIVED + dt.timedelta(days=2, hours=-1))])  # fmt: skip
        last = till.execute("select last_movement_at from stock_balances").fetchone()[0]
    assert last == RECEIVED + dt.timedelta(days=2)
