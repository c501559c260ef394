"""Transfers between stores: dispatch (out at average cost), reception (in at that cost)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.domain.documents import GUIA_REMISION
from erp_core.domain.kardex import OP_TRANSFER_IN, OP_TRANSFER_OUT
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import Document, StockLedger
from erp_core.services.lookups import positive_quantity, products_by_sku, store_by_code
from erp_core.services.moments import transaction_at
from erp_core.timeutil import business_date, format_moment

TRANSFER_SERIE = "T001"


@dataclass(frozen=True)
class TransferLineInput:
    sku: str
    quantity: Decimal


def dispatch_transfer(
    conn: psycopg.Connection,
    idempotency_key: str,
    from_store: str,
    to_store: str,
    lines: list[TransferLineInput],
    dispatched_at: dt.datetime | None = None,
) -> int:
    """Send goods to another store; they are in transit until received."""
    request = idempotency.fingerprint(from_store, to_store, lines, dispatched_at)
    with transaction_at(conn, dispatched_at, "dispatched_at") as dispatched_at:
        stored = idempotency.claim(conn, idempotency_key, "transfer_dispatch", request)
        if stored is not None:
            return stored["transfer_id"]
        if not lines:
            raise InvalidInput("lines", [], "a transfer needs at least one line")
        origin, destination = store_by_code(conn, from_store), store_by_code(conn, to_store)
        if origin.store_id == destination.store_id:  # codes compare blank-padded ('0001 ')
            raise InvalidInput("to_store", to_store, "must differ from the origin store")
        quantities = [
            positive_quantity(line.quantity, "quantity", row) for row, line in enumerate(lines, 1)
        ]
        products = products_by_sku(conn, [line.sku for line in lines])
        ledger = StockLedger.lock(
            conn, origin.store_id, origin.code,
            {p.product_id: p.sku for p in products.values()}, dispatched_at, "dispatched_at",
        )  # fmt: skip
        number = _next_guide_number(conn, TRANSFER_SERIE)
        transfer_id = conn.execute(
            "insert into transfers (from_store_id, to_store_id, dispatched_at, dispatch_date, "
            "serie, number) values (%s,%s,%s,%s,%s,%s) returning transfer_id",
            (origin.store_id, destination.store_id, dispatched_at, business_date(dispatched_at),
             TRANSFER_SERIE, number),
        ).fetchone()[0]  # fmt: skip
        doc = Document(GUIA_REMISION, TRANSFER_SERIE, number, "transfers", transfer_id)
        rows = []
        for line, qty in zip(lines, quantities, strict=True):
            product = products[line.sku]
            movement = ledger.issue(product.product_id, qty, OP_TRANSFER_OUT, doc)
            rows.append(
                (transfer_id, product.product_id, qty, movement.unit_cost_out, movement.total_out)
            )
        with conn.cursor() as cur:
            cur.executemany(
                "insert into transfer_lines (transfer_id, product_id, quantity, unit_cost, "
                "cost_amount) values (%s,%s,%s,%s,%s)",
                rows,
            )
        ledger.flush()
        idempotency.record(conn, idempotency_key, {"transfer_id": transfer_id})
        return transfer_id


def _next_guide_number(conn: psycopg.Connection, serie: str) -> int:
    """The next correlativo of our guía serie, without gaps.

    Not the transfer's id: a refused or rolled-back dispatch used one up. The serie's lock is
    held until commit, so the next dispatch reads this one's number once it is committed.
    """
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"guia {serie}",))
    return conn.execute(
        "select coalesce(max(number), 0) + 1 from transfers where serie = %s", (serie,)
    ).fetchone()[0]


def receive_transfer(
    conn: psycopg.Connection,
    idempotency_key: str,
    transfer_id: int,
    received_at: dt.datetime | None = None,
) -> int:
    """Receive a transfer in the destination at the cost it was dispatched with; not before it
    was dispatched (a guía cannot arrive before it left)."""
    request = idempotency.fingerprint(transfer_id, received_at)
    with transaction_at(conn, received_at, "received_at") as received_at:
        stored = idempotency.claim(conn, idempotency_key, "transfer_receipt", request)
        if stored is not None:
            return stored["transfer_id"]
        row = conn.execute(
            "select t.to_store_id, s.code, t.status, t.number, t.dispatched_at from transfers t "
            "join stores s on s.store_id = t.to_store_id where transfer_id = %s for update of t",
            (transfer_id,),
        ).fetchone()
        if row is None:
            raise NotFound("transfer", transfer_id)
        store_id, store_code, status, number, dispatched_at = row
        if status != "in_transit":
            raise InvalidInput("transfer_id", transfer_id, f"was already {status}")
        if received_at < dispatched_at:
            raise InvalidInput(
                "received_at", received_at.isoformat(),
                f"is before the transfer was dispatched, {format_moment(dispatched_at)} in Lima",
            )  # fmt: skip
        lines = conn.execute(
            "select l.product_id, p.sku, l.quantity, l.cost_amount from transfer_lines l "
            "join products p using (product_id) where transfer_id = %s order by transfer_line_id",
            (transfer_id,),
        ).fetchall()
        ledger = StockLedger.lock(
            conn,
            store_id,
            store_code,
            {pid: sku for pid, sku, _, _ in lines},
            received_at,
            "received_at",
        )
        doc = Document(GUIA_REMISION, TRANSFER_SERIE, number, "transfers", transfer_id)
        for product_id, _sku, quantity, cost_amount in lines:
            ledger.receive_value(product_id, quantity, cost_amount, OP_TRANSFER_IN, doc)
        conn.execute(
            "update transfers set status = 'received', received_at = %s, receipt_date = %s "
            "where transfer_id = %s",
            (received_at, business_date(received_at), transfer_id),
        )
        ledger.flush()
        idempotency.record(conn, idempotency_key, {"transfer_id": transfer_id})
        return transfer_id
