"""Inventory adjustments: opening balances, shrinkage (mermas, desmedros), physical counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.domain.kardex import OP_COUNT_ADJUSTMENT, OP_DAMAGE, OP_OPENING, OP_SHRINKAGE
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput
from erp_core.services.ledger import Document, StockLedger
from erp_core.services.lookups import (
    non_negative_cost,
    non_negative_quantity,
    positive_quantity,
    products_by_sku,
    store_by_code,
)
from erp_core.services.moments import transaction_at
from erp_core.timeutil import business_date

INTERNAL_DOC = "00"  # SUNAT table 10: otros (an internal adjustment document)
SHRINKAGE_OPS = {"merma": OP_SHRINKAGE, "desmedro": OP_DAMAGE}


@dataclass(frozen=True)
class StockLineInput:
    sku: str
    quantity: Decimal
    unit_cost: Decimal | None = None  # only for opening balances


def _adjustment(conn, store_id: int, at: dt.datetime, reason: str, count_id=None) -> int:
    return conn.execute(
        "insert into inventory_adjustments (store_id, adjusted_at, adjustment_date, reason, "
        "physical_count_id) values (%s,%s,%s,%s,%s) returning adjustment_id",
        (store_id, at, business_date(at), reason, count_id),
    ).fetchone()[0]


def _adjustment_line(conn, adjustment_id: int, product_id: int, delta, movement) -> None:
    unit_cost = movement.unit_cost_in if delta > 0 else movement.unit_cost_out
    cost = movement.total_in if delta > 0 else -movement.total_out
    conn.execute(
        "insert into inventory_adjustment_lines (adjustment_id, product_id, quantity_delta, "
        "unit_cost, cost_amount) values (%s,%s,%s,%s,%s)",
        (adjustment_id, product_id, delta, unit_cost, cost),
    )


def _run(conn, key: str, operation: str, store_code: str, lines, at, body, extra=None) -> int:
    request = idempotency.fingerprint(store_code, lines, at, extra)
    with transaction_at(conn, at, "at") as at:
        stored = idempotency.claim(conn, key, operation, request)
        if stored is not None:
            return stored["adjustment_id"]
        if not lines:
            raise InvalidInput("lines", [], "needs at least one line")
        store = store_by_code(conn, store_code)
        products = products_by_sku(conn, [line.sku for line in lines])
        ledger = StockLedger.lock(
            conn, store.store_id, store.code, {p.product_id: p.sku for p in products.values()}, at
        )
        adjustment_id = body(store, products, ledger, at)
        ledger.flush()
        idempotency.record(conn, key, {"adjustment_id": adjustment_id})
        return adjustment_id


def record_opening_balance(
    conn: psycopg.Connection, idempotency_key: str, store_code: str,
    lines: list[StockLineInput], at: dt.datetime | None = None,
) -> int:  # fmt: skip
    """Saldo inicial (kardex 16) at a given unit cost, e.g. when a store starts on the system."""

    def body(store, products, ledger, at):
        adjustment_id = _adjustment(conn, store.store_id, at, "initial")
        doc = Document(INTERNAL_DOC, "SI01", adjustment_id, "inventory_adjustments", adjustment_id)
        for row, line in enumerate(lines, 1):
            qty = positive_quantity(line.quantity, "quantity", row)
            if line.unit_cost is None:
                raise InvalidInput("unit_cost", line.unit_cost, "an opening needs a cost", row)
            non_negative_cost(line.unit_cost, "unit_cost", row)
            product_id = products[line.sku].product_id
            movement = ledger.receive(product_id, qty, line.unit_cost, OP_OPENING, doc)
            _adjustment_line(conn, adjustment_id, product_id, qty, movement)
        return adjustment_id

    return _run(conn, idempotency_key, "opening_balance", store_code, lines, at, body)


def record_shrinkage(
    conn: psycopg.Connection, idempotency_key: str, store_code: str,
    lines: list[StockLineInput], reason: str = "merma", at: dt.datetime | None = None,
) -> int:  # fmt: skip
    """Mermas (13) or desmedros (14): goods out at the current average cost."""
    if reason not in SHRINKAGE_OPS:
        raise InvalidInput("reason", reason, "must be merma or desmedro")

    def body(store, products, ledger, at):
        adjustment_id = _adjustment(conn, store.store_id, at, reason)
        doc = Document(INTERNAL_DOC, "AJ01", adjustment_id, "inventory_adjustments", adjustment_id)
        for row, line in enumerate(lines, 1):
            qty = positive_quantity(line.quantity, "quantity", row)
            product_id = products[line.sku].product_id
            movement = ledger.issue(product_id, qty, SHRINKAGE_OPS[reason], doc)
            _adjustment_line(conn, adjustment_id, product_id, -qty, movement)
        return adjustment_id

    return _run(conn, idempotency_key, "shrinkage", store_code, lines, at, body, reason)


def record_physical_count(
    conn: psycopg.Connection, idempotency_key: str, store_code: str,
    counts: list[StockLineInput], at: dt.datetime | None = None,
) -> int:  # fmt: skip
    """A physical count: differences become kardex 28 adjustments at the average cost."""
    counted_skus: set[str] = set()
    for row, line in enumerate(counts, 1):  # two counts of one SKU: which one is right?
        if line.sku in counted_skus:
            raise InvalidInput("sku", line.sku, "is counted twice in one count", row)
        counted_skus.add(line.sku)

    def body(store, products, ledger, at):
        count_id = conn.execute(
            "insert into physical_counts (store_id, counted_at, count_date) values (%s,%s,%s) "
            "returning physical_count_id",
            (store.store_id, at, business_date(at)),
        ).fetchone()[0]
        adjustment_id = _adjustment(conn, store.store_id, at, "count", count_id)
        doc = Document(INTERNAL_DOC, "IF01", count_id, "physical_counts", count_id)
        for row, line in enumerate(counts, 1):
            counted = non_negative_quantity(line.quantity, "counted_quantity", row)
            product_id = products[line.sku].product_id
            system = ledger.quantity(product_id)
            conn.execute(
                "insert into physical_count_lines (physical_count_id, product_id, "
                "system_quantity, counted_quantity) values (%s,%s,%s,%s)",
                (count_id, product_id, system, counted),
            )
            delta = counted - system
            if delta > 0:
                cost = ledger.balances[product_id].unit_cost
                movement = ledger.receive(product_id, delta, cost, OP_COUNT_ADJUSTMENT, doc)
            elif delta < 0:
                movement = ledger.issue(product_id, -delta, OP_COUNT_ADJUSTMENT, doc)
            if delta != 0:
                _adjustment_line(conn, adjustment_id, product_id, delta, movement)
        return adjustment_id

    return _run(conn, idempotency_key, "physical_count", store_code, counts, at, body)
