"""Goods receipts: checked against their purchase order; costs refused by name."""

from decimal import Decimal as D

import pytest

from erp_core.domain.documents import make_ruc
from erp_core.services import catalog
from erp_core.services.errors import InvalidInput
from erp_core.services.purchasing import PurchaseLineInput, create_purchase_order, receive_goods
from tests.factories import LIMA_NOON, build_chain, guide_number

OTHER_RUC = make_ruc("20", 10000002)


@pytest.mark.parametrize(
    ("supplier", "store", "sku", "quantity", "match"),
    [
        ("own", "0001", "SKU0001", 8, r"row 1: quantity='8': is more than the 5\.000"),
        ("own", "0002", "SKU0001", 5, "store_code='0002'"),
        ("own", "0001", "SKU0002", 5, "row 1: sku='SKU0002'"),
        ("other", "0001", "SKU0001", 5, f"supplier_ruc='{OTHER_RUC}'"),
    ],
    ids=["more-than-ordered", "another-store", "product-not-ordered", "another-supplier"],
)
def test_a_receipt_against_a_purchase_order_brings_only_what_it_ordered(
    conn, supplier, store, sku, quantity, match
):
    """The order: 5 of SKU0001 from the chain's supplier, to store 0001."""
    chain = build_chain(conn, n_products=2)
    catalog.create_supplier(conn, OTHER_RUC, "Importadora del Sur SAC", 3)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip
    ruc = chain.supplier_ruc if supplier == "own" else OTHER_RUC
    with pytest.raises(InvalidInput, match=match):
        receive_goods(
            conn, "gr1", ruc, store, [PurchaseLineInput(sku, D(quantity), D("4.00"))], "G001", 1,
            LIMA_NOON, order,
        )  # fmt: skip
    assert conn.execute("select count(*) from goods_receipts").fetchone()[0] == 0


def test_a_purchase_order_is_received_in_parts_and_closes_with_the_last(conn):
    chain = build_chain(conn, n_products=1)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip

    def deliver(key, quantity):
        return receive_goods(
            conn, key, chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(quantity), D("4.00"))], "G001", guide_number(key),
            LIMA_NOON, order,
        )  # fmt: skip

    def status():
        return conn.execute(
            "select status from purchase_orders where purchase_order_id = %s", (order,)
        ).fetchone()[0]

    deliver("gr1", 3)
    assert status() == "open"
    with pytest.raises(InvalidInput, match=r"quantity='3': is more than the 2\.000 still to"):
        deliver("gr2", 3)
    deliver("gr3", 2)
    assert status() == "received"
    assert conn.execute("select quantity from stock_balances").fetchone() == (D(5),)


@pytest.mark.parametrize("cost", ["abc", None, "NaN", "Infinity"])
def test_a_receipt_cost_that_is_not_a_number_is_refused_by_name(conn, cost):
    chain = build_chain(conn, n_products=1)
    with pytest.raises(InvalidInput, match="row 1: unit_cost="):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(5), cost)], "G001", 1, LIMA_NOON,
        )  # fmt: skip
    assert conn.execute("select count(*) from idempotency_keys").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("cost", "serie", "number", "match"),
    [
        ("1e20", "G001", 1, "row 1: unit_cost='1e20': is too large for a unit cost"),
        ("4.00", "G0011", 1, "guide_serie='G0011': must be 4 capital letters or digits"),
        ("4.00", "g001", 1, "guide_serie='g001'"),
        ("4.00", "G001", 10**20, "guide_number=100000000000000000000: must be from 1 to"),
        ("4.00", "G001", 0, "guide_number=0"),
        ("4.00", "G001", "7", "guide_number='7'"),
    ],
)
def test_a_receipt_with_a_cost_or_guide_it_cannot_keep_is_refused_by_name(
    conn, cost, serie, number, match
):
    chain = build_chain(conn, n_products=1)
    with pytest.raises(InvalidInput, match=match):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(5), cost)], serie, number, LIMA_NOON,
        )  # fmt: skip
    conn.rollback()
    assert conn.execute("select count(*) from goods_receipts").fetchone()[0] == 0


def test_a_supplier_guide_is_received_once_whatever_the_key(conn):
    """The same guía (RUC + serie-number) under a second key would double the stock."""
    chain = build_chain(conn, n_products=1)
    lines = [PurchaseLineInput("SKU0001", D(5), D("4.00"))]
    receive_goods(conn, "gr1", chain.supplier_ruc, "0001", lines, "G001", 7, LIMA_NOON)
    with pytest.raises(
        InvalidInput, match=f"guide_number=7: guía G001-7 of supplier {chain.supplier_ruc} was "
        r"already received \(goods receipt \d+ of 10/03/2026\)",
    ):  # fmt: skip
        receive_goods(conn, "gr2", chain.supplier_ruc, "0002", lines, "G001", 7, LIMA_NOON)
    assert conn.execute("select sum(quantity) from stock_balances").fetchone() == (D(5),)
    # the same key again is a retry (the first receipt's id), another guía a new receipt
    first = conn.execute("select goods_receipt_id from goods_receipts").fetchone()[0]
    assert receive_goods(conn, "gr1", chain.supplier_ruc, "0001", lines, "G001", 7, LIMA_NOON) == (
        first
    )
    receive_goods(conn, "gr3", chain.supplier_ruc, "0001", lines, "G001", 8, LIMA_NOON)
    assert conn.execute("select sum(quantity) from stock_balances").fetchone() == (D(10),)
