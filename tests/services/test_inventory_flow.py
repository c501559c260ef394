"""Weighted-average cost worked by hand through receipts, sales, returns and transfers."""

import datetime as dt
from decimal import Decimal as D

import pytest

from erp_core.services.adjustments import (
    StockLineInput,
    record_opening_balance,
    record_physical_count,
    record_shrinkage,
)
from erp_core.services.errors import InsufficientStock, InvalidInput
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
from tests.factories import LIMA_NOON, build_chain, stock_up


def balance(conn, store="0001", sku="SKU0001"):
    return conn.execute(
        "select b.quantity, b.unit_cost, b.total_value from stock_balances b "
        "join products p using (product_id) join stores s using (store_id) "
        "where p.sku = %s and s.code = %s",
        (sku, store),
    ).fetchone()


def kardex_rows(conn, store="0001"):
    return conn.execute(
        "select operation_type, quantity_in, total_in, quantity_out, total_out, "
        "balance_quantity, balance_unit_cost, balance_value from kardex k "
        "join stores s using (store_id) where s.code = %s order by kardex_id",
        (store,),
    ).fetchall()


def sell_one(conn, key, qty, total, store="0001", at=LIMA_NOON):
    return sell(
        conn,
        SaleRequest(key, store, [SaleLineInput("SKU0001", D(qty))],
                    [PaymentInput("cash", D(total))], sold_at=at),
    )  # fmt: skip


def test_weighted_average_through_receipts_sales_returns_and_transfers(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")  # 10 @ 4.00 = 40.00
    stock_up(conn, chain, "0001", "SKU0001", 30, "6.00")  # +180.00 = 220.00 / 40 = 5.50
    assert balance(conn) == (D("40"), D("5.5"), D("220.00"))

    sale = sell_one(conn, "s1", "4", "47.20")  # out 4 @ 5.50 = 22.00
    assert balance(conn) == (D("36"), D("5.5"), D("198.00"))

    stock_up(conn, chain, "0001", "SKU0001", 14, "7.00", at=LIMA_NOON)  # +98.00 = 296 / 50
    assert balance(conn) == (D("50"), D("5.92"), D("296.00"))

    # the return comes back at 5.50, the cost it left with, not today's 5.92
    return_sale(conn, ReturnRequest("r1", sale.sale_id, [ReturnLineInput(sale.line_ids[0], D("1"))],
                                    returned_at=LIMA_NOON + dt.timedelta(hours=1)))  # fmt: skip
    assert balance(conn) == (D("51"), D("5.911765"), D("301.50"))
    refund = conn.execute("select total_amount, igv_amount, serie from returns").fetchone()
    assert refund == (D("11.80"), D("1.80"), "BC01")

    # transfer 11 to Arequipa: out at 5.911765 -> 65.03, arrives with exactly that value
    transfer = dispatch_transfer(conn, "t1", "0001", "0002",
                                 [TransferLineInput("SKU0001", D("11"))],
                                 LIMA_NOON + dt.timedelta(hours=2))  # fmt: skip
    assert balance(conn) == (D("40"), D("5.911750"), D("236.47"))
    assert balance(conn, "0002") is None  # in transit
    receive_transfer(conn, "t1-in", transfer, LIMA_NOON + dt.timedelta(days=1))
    assert balance(conn, "0002") == (D("11"), D("5.911818"), D("65.03"))

    ops = [row[0] for row in kardex_rows(conn)]
    assert ops == ["02", "02", "01", "02", "24", "11"]
    assert [row[0] for row in kardex_rows(conn, "0002")] == ["21"]


def test_return_cannot_exceed_what_was_sold(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")
    sale = sell_one(conn, "s1", "2", "23.60")
    line = sale.line_ids[0]
    return_sale(conn, ReturnRequest("r1", sale.sale_id, [ReturnLineInput(line, D("1"))]))
    with pytest.raises(InvalidInput, match=r"only 1\.000 left to return"):
        return_sale(conn, ReturnRequest("r2", sale.sale_id, [ReturnLineInput(line, D("2"))]))
    assert conn.execute("select count(*) from returns").fetchone()[0] == 1


def test_transfer_cannot_be_received_twice_nor_dispatch_more_than_stock(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00")
    with pytest.raises(InsufficientStock, match="stock 5, requested 6"):
        dispatch_transfer(conn, "t0", "0001", "0002", [TransferLineInput("SKU0001", D("6"))])
    transfer = dispatch_transfer(conn, "t1", "0001", "0002", [TransferLineInput("SKU0001", D("5"))])
    receive_transfer(conn, "in-1", transfer)
    with pytest.raises(InvalidInput, match="already received"):
        receive_transfer(conn, "in-2", transfer)


def test_opening_shrinkage_and_physical_count(conn):
    build_chain(conn, n_products=2)
    record_opening_balance(
        conn, "open", "0001",
        [StockLineInput("SKU0001", D("20"), D("3.00")), StockLineInput("SKU0002", D("5"), D("2"))],
    )  # fmt: skip
    record_shrinkage(conn, "merma", "0001", [StockLineInput("SKU0001", D("2"))], "merma")
    assert balance(conn) == (D("18"), D("3"), D("54.00"))
    record_physical_count(
        conn, "count", "0001",
        [StockLineInput("SKU0001", D("15")), StockLineInput("SKU0002", D("6"))],
    )  # fmt: skip
    assert balance(conn) == (D("15"), D("3"), D("45.00"))
    assert balance(conn, sku="SKU0002") == (D("6"), D("2"), D("12.00"))
    ops = [row[0] for row in kardex_rows(conn)]
    assert ops == ["16", "16", "13", "28", "28"]
    deltas = conn.execute(
        "select quantity_delta from inventory_adjustment_lines l join inventory_adjustments a "
        "using (adjustment_id) where reason = 'count' order by product_id"
    ).fetchall()
    assert deltas == [(D("-3"),), (D("1"),)]
