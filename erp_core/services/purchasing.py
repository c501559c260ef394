"""Purchasing: purchase orders to suppliers and goods receipts that revalue the stock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.domain.documents import GUIA_REMISION
from erp_core.domain.kardex import OP_PURCHASE
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import Document, StockLedger
from erp_core.services.lookups import positive_quantity, products_by_sku, store_by_code
from erp_core.timeutil import business_date, now


@dataclass(frozen=True)
class PurchaseLineInput:
    sku: str
    quantity: Decimal
    unit_cost: Decimal  # without IGV: the kardex values goods at cost net of tax


def _check_lines(lines: list[PurchaseLineInput]) -> list[Decimal]:
    if not lines:
        raise InvalidInput("lines", [], "needs at least one line")
    quantities = []
    for row, line in enumerate(lines, 1):
        quantities.append(positive_quantity(line.quantity, "quantity", row))
        if Decimal(str(line.unit_cost)) < 0:
            raise InvalidInput("unit_cost", line.unit_cost, "must not be negative", row)
    return quantities


def _supplier_id(conn, ruc: str) -> int:
    row = conn.execute("select supplier_id from suppliers where ruc = %s", (ruc,)).fetchone()
    if row is None:
        raise NotFound("supplier", ruc)
    return row[0]


def create_purchase_order(
    conn: psycopg.Connection,
    idempotency_key: str,
    supplier_ruc: str,
    store_code: str,
    lines: list[PurchaseLineInput],
    ordered_on: dt.date,
    expected_on: dt.date | None = None,
) -> int:
    """Order goods from a supplier for a store; expected by the supplier's lead time."""
    with conn.transaction():
        stored = idempotency.claim(conn, idempotency_key, "purchase_order")
        if stored is not None:
            return stored["purchase_order_id"]
        quantities = _check_lines(lines)
        supplier_id = _supplier_id(conn, supplier_ruc)
        store = store_by_code(conn, store_code)
        products = products_by_sku(conn, [line.sku for line in lines])
        if expected_on is None:
            lead = conn.execute(
                "select lead_time_days from suppliers where supplier_id = %s", (supplier_id,)
            ).fetchone()[0]
            expected_on = ordered_on + dt.timedelta(days=lead)
        po_id = conn.execute(
            "insert into purchase_orders (supplier_id, store_id, ordered_on, expected_on) "
            "values (%s,%s,%s,%s) returning purchase_order_id",
            (supplier_id, store.store_id, ordered_on, expected_on),
        ).fetchone()[0]
        with conn.cursor() as cur:
            cur.executemany(
                "insert into purchase_order_lines (purchase_order_id, product_id, quantity, "
                "unit_cost) values (%s,%s,%s,%s)",
                [
                    (po_id, products[line.sku].product_id, qty, line.unit_cost)
                    for line, qty in zip(lines, quantities, strict=True)
                ],
            )
        idempotency.record(conn, idempotency_key, {"purchase_order_id": po_id})
        return po_id


def receive_goods(
    conn: psycopg.Connection,
    idempotency_key: str,
    supplier_ruc: str,
    store_code: str,
    lines: list[PurchaseLineInput],
    guide_serie: str,
    guide_number: int,
    received_at: dt.datetime | None = None,
    purchase_order_id: int | None = None,
) -> int:
    """Receive goods (with the supplier's guía de remisión): kardex 02, new average cost."""
    with conn.transaction():
        stored = idempotency.claim(conn, idempotency_key, "goods_receipt")
        if stored is not None:
            return stored["goods_receipt_id"]
        received_at = received_at or now()
        quantities = _check_lines(lines)
        supplier_id = _supplier_id(conn, supplier_ruc)
        store = store_by_code(conn, store_code)
        products = products_by_sku(conn, [line.sku for line in lines])
        if purchase_order_id is not None:
            status = conn.execute(
                "select status from purchase_orders where purchase_order_id = %s for update",
                (purchase_order_id,),
            ).fetchone()
            if status is None:
                raise NotFound("purchase order", purchase_order_id)
            if status[0] != "open":
                raise InvalidInput("purchase_order_id", purchase_order_id, f"is {status[0]}")
        ledger = StockLedger.lock(
            conn, store.store_id, store.code,
            {p.product_id: p.sku for p in products.values()}, received_at,
        )  # fmt: skip
        receipt_id = conn.execute(
            "insert into goods_receipts (purchase_order_id, supplier_id, store_id, received_at, "
            "receipt_date, serie, number) values (%s,%s,%s,%s,%s,%s,%s) "
            "returning goods_receipt_id",
            (purchase_order_id, supplier_id, store.store_id, received_at,
             business_date(received_at), guide_serie, guide_number),
        ).fetchone()[0]  # fmt: skip
        doc = Document(GUIA_REMISION, guide_serie, guide_number, "goods_receipts", receipt_id)
        rows = []
        for line, qty in zip(lines, quantities, strict=True):
            product = products[line.sku]
            ledger.receive(product.product_id, qty, line.unit_cost, OP_PURCHASE, doc)
            rows.append((receipt_id, product.product_id, qty, line.unit_cost))
        with conn.cursor() as cur:
            cur.executemany(
                "insert into goods_receipt_lines (goods_receipt_id, product_id, quantity, "
                "unit_cost) values (%s,%s,%s,%s)",
                rows,
            )
        if purchase_order_id is not None:
            conn.execute(
                "update purchase_orders set status = 'received' where purchase_order_id = %s",
                (purchase_order_id,),
            )
        ledger.flush()
        idempotency.record(conn, idempotency_key, {"goods_receipt_id": receipt_id})
        return receipt_id
