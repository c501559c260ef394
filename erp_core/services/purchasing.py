"""Purchasing: purchase orders to suppliers and goods receipts that revalue the stock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.domain.documents import (
    GUIA_REMISION,
    MAX_CORRELATIVO,
    InvalidDocument,
    check_serie,
)
from erp_core.domain.kardex import OP_PURCHASE
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import Document, StockLedger
from erp_core.services.lookups import (
    non_negative_cost,
    positive_quantity,
    products_by_sku,
    store_by_code,
    whole_number,
)
from erp_core.services.moments import transaction_at
from erp_core.timeutil import business_date


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
        non_negative_cost(line.unit_cost, "unit_cost", row)
    return quantities


def _check_guide(serie, number) -> None:
    """The supplier's guía de remisión: a 4-character serie (T001, 0001) and its correlativo."""
    try:
        check_serie(GUIA_REMISION, serie)
    except InvalidDocument:
        reason = "must be 4 capital letters or digits (T001, 0001)"
        raise InvalidInput("guide_serie", serie, reason) from None
    whole_number(number, "guide_number", f"must be from 1 to {MAX_CORRELATIVO}", MAX_CORRELATIVO)


def _check_guide_unused(conn, supplier_id: int, ruc: str, serie: str, number: int) -> None:
    """A supplier's guía (RUC + serie-number) is one delivery: received once, whatever key the
    client sends. Checked under a lock on that guía, so two receipts of it cannot both pass."""
    conn.execute(
        "select pg_advisory_xact_lock(hashtext(%s))", (f"guia {supplier_id} {serie}-{number}",)
    )
    row = conn.execute(
        "select goods_receipt_id, receipt_date from goods_receipts "
        "where supplier_id = %s and serie = %s and number = %s limit 1",
        (supplier_id, serie, number),
    ).fetchone()
    if row is not None:
        raise InvalidInput(
            "guide_number", number,
            f"guía {serie}-{number} of supplier {ruc} was already received (goods receipt "
            f"{row[0]} of {row[1]:%d/%m/%Y})",
        )  # fmt: skip


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
    request = idempotency.fingerprint(supplier_ruc, store_code, lines, ordered_on, expected_on)
    with conn.transaction():
        stored = idempotency.claim(conn, idempotency_key, "purchase_order", request)
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
    _check_guide(guide_serie, guide_number)
    request = idempotency.fingerprint(
        supplier_ruc, store_code, lines, guide_serie, guide_number, received_at, purchase_order_id
    )
    with transaction_at(conn, received_at, "received_at") as received_at:
        stored = idempotency.claim(conn, idempotency_key, "goods_receipt", request)
        if stored is not None:
            return stored["goods_receipt_id"]
        quantities = _check_lines(lines)
        supplier_id = _supplier_id(conn, supplier_ruc)
        _check_guide_unused(conn, supplier_id, supplier_ruc, guide_serie, guide_number)
        store = store_by_code(conn, store_code)
        products = products_by_sku(conn, [line.sku for line in lines])
        if purchase_order_id is not None:
            _check_against_order(
                conn, purchase_order_id, supplier_ruc, supplier_id, store_code, store.store_id,
                [(products[line.sku], qty) for line, qty in zip(lines, quantities, strict=True)],
            )  # fmt: skip
        ledger = StockLedger.lock(
            conn, store.store_id, store.code,
            {p.product_id: p.sku for p in products.values()}, received_at, "received_at",
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
            _close_if_complete(conn, purchase_order_id)
        ledger.flush()
        idempotency.record(conn, idempotency_key, {"goods_receipt_id": receipt_id})
        return receipt_id


def _check_against_order(
    conn, order_id: int, ruc: str, supplier_id: int, store_code: str, store_id: int, lines
) -> None:
    """A receipt against an order brings the order's supplier's goods, to its store, and no more
    of each product than is still to receive (ordered, less what earlier receipts against it
    brought): anything else must be received without the order."""
    order = conn.execute(
        "select status, supplier_id, store_id from purchase_orders "
        "where purchase_order_id = %s for update",
        (order_id,),
    ).fetchone()
    if order is None:
        raise NotFound("purchase order", order_id)
    status, order_supplier, order_store = order
    if status != "open":
        raise InvalidInput("purchase_order_id", order_id, f"is {status}")
    if order_supplier != supplier_id:
        raise InvalidInput("supplier_ruc", ruc, f"purchase order {order_id} is another supplier's")
    if order_store != store_id:
        raise InvalidInput(
            "store_code", store_code, f"purchase order {order_id} is for another store"
        )
    pending = {product_id: ordered - received for product_id, ordered, received
               in _ordered_and_received(conn, order_id)}  # fmt: skip
    received: dict[int, Decimal] = {}
    for row, (product, quantity) in enumerate(lines, 1):
        if product.product_id not in pending:
            raise InvalidInput("sku", product.sku, f"is not on purchase order {order_id}", row)
        received[product.product_id] = received.get(product.product_id, 0) + quantity
        if received[product.product_id] > pending[product.product_id]:
            raise InvalidInput(
                "quantity", quantity,
                f"is more than the {pending[product.product_id]} still to receive on purchase "
                f"order {order_id}", row,
            )  # fmt: skip


def _ordered_and_received(conn, order_id: int) -> list[tuple[int, Decimal, Decimal]]:
    """Per product of the order: the quantity ordered and what its receipts brought so far."""
    return conn.execute(
        """
        select o.product_id, o.quantity, coalesce(r.quantity, 0)
        from (select product_id, sum(quantity) as quantity from purchase_order_lines
              where purchase_order_id = %(order)s group by product_id) o
        left join (select l.product_id, sum(l.quantity) as quantity
                   from goods_receipts g join goods_receipt_lines l using (goods_receipt_id)
                   where g.purchase_order_id = %(order)s group by l.product_id) r
               using (product_id)
        """,
        {"order": order_id},
    ).fetchall()


def _close_if_complete(conn, order_id: int) -> None:
    """A partial delivery leaves the order open for the rest; the last one closes it."""
    if all(received >= ordered for _, ordered, received in _ordered_and_received(conn, order_id)):
        conn.execute(
            "update purchase_orders set status = 'received' where purchase_order_id = %s",
            (order_id,),
        )
