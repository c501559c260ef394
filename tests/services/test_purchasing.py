"""Goods receipts: checked against their purchase order; costs refused by name."""

from decimal import Decimal as D

import pytest

from erp_core.domain.documents import make_ruc
from erp_core.services import catalog
from erp_core.services.errors import InvalidInput
from erp_core.services.purchasing import PurchaseLineInput, create_purchase_order, receive_goods
from tests.factories import LIMA_NOON, build_chain


def test_a_receipt_cannot_exceed_what_its_purchase_order_ordered(conn):
    chain = build_chain(conn, n_products=1)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match=r"row 1: quantity='8': is more than the 5\.000 ordered"):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(8), D("4.00"))], "G001", 1, LIMA_NOON, order,
        )  # fmt: skip
    assert conn.execute("select count(*) from goods_receipts").fetchone()[0] == 0


def test_a_purchase_order_is_received_only_in_its_own_store(conn):
    chain = build_chain(conn, n_products=1)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="store_code='0002'"):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0002",
            [PurchaseLineInput("SKU0001", D(5), D("4.00"))], "G001", 1, LIMA_NOON, order,
        )  # fmt: skip
    assert conn.execute("select count(*) from goods_receipts").fetchone()[0] == 0


def test_a_product_not_on_the_purchase_order_is_refused(conn):
    chain = build_chain(conn, n_products=2)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="row 1: sku='SKU0002'"):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0002", D(5), D("4.00"))], "G001", 1, LIMA_NOON, order,
        )  # fmt: skip


@pytest.mark.parametrize("cost", ["abc", None, "NaN", "Infinity"])
def test_a_receipt_cost_that_is_not_a_number_is_refused_by_name(conn, cost):
    chain = build_chain(conn, n_products=1)
    with pytest.raises(InvalidInput, match="row 1: unit_cost="):
        receive_goods(
            conn, "gr1", chain.supplier_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(5), cost)], "G001", 1, LIMA_NOON,
        )  # fmt: skip
    assert conn.execute("select count(*) from idempotency_keys").fetchone()[0] == 0


def test_a_purchase_order_is_received_only_from_its_own_supplier(conn):
    chain = build_chain(conn, n_products=1)
    other_ruc = make_ruc("20", 10000002)
    catalog.create_supplier(conn, other_ruc, "Importadora del Sur SAC", 3)
    order = create_purchase_order(
        conn, "po1", chain.supplier_ruc, "0001", [PurchaseLineInput("SKU0001", D(5), D("4.00"))],
        LIMA_NOON.date(),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match=f"supplier_ruc='{other_ruc}'"):
        receive_goods(
            conn, "gr1", other_ruc, "0001",
            [PurchaseLineInput("SKU0001", D(5), D("4.00"))], "G001", 1, LIMA_NOON, order,
        )  # fmt: skip
