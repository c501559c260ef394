"""Write validated tickets through the services: partitions, opening stock, one sale per ticket.

A sale that the service refuses (e.g. not enough stock) becomes rejections for its lines, told
in Spanish from the exception's fields (``service_reasons``); the service has already rolled back
its own savepoint, so nothing of that sale remains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal

import psycopg

from erp_core import partitions
from erp_core.domain.documents import SERIE_LETTERS
from erp_core.importer import service_reasons
from erp_core.importer.report import Rejection, shown
from erp_core.importer.tickets import Ticket
from erp_core.services.adjustments import StockLineInput, record_opening_balance
from erp_core.services.errors import InsufficientStock, InvalidInput, NotFound
from erp_core.services.lookups import store_by_code
from erp_core.services.numbering import SerieBlock
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, SaleResult, sell
from erp_core.timeutil import LIMA, business_date

IMPORT_CHANNEL = "import"


def already_imported(conn: psycopg.Connection, tickets: list[Ticket]) -> set[str]:
    """Keys of tickets a previous run loaded (their idempotency key is taken)."""
    rows = conn.execute(
        "select key from idempotency_keys where key = any(%s)", ([t.key for t in tickets],)
    ).fetchall()
    return {row[0] for row in rows}


def ensure_months(conn: psycopg.Connection, tickets: list[Ticket]) -> None:
    """Create the monthly partitions the sales fall in, committed on their own.

    Kept out of the import's long transaction: creating a partition locks the parent table,
    which would stop the tills until the import ends. Only months with sales are created.
    """
    months = sorted({business_date(t.head.sold_at).replace(day=1) for t in tickets})
    with conn.transaction():
        for month in months:
            partitions.ensure_partitions(conn, month, month)


def post_opening_stock(conn: psycopg.Connection, tickets: list[Ticket]) -> int:
    """One saldo inicial (kardex 16) per store: exactly the units the tickets sell, at cost.

    Dated at the start of the store's first sale day so that it precedes every imported sale.
    The key depends on the tickets loaded, so a re-run that loads nothing posts nothing.
    """
    by_store: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        by_store[ticket.store].append(ticket)
    for store, store_tickets in sorted(by_store.items()):
        units: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
        for line in (x for t in store_tickets for x in t.lines):
            units[(line.sku, line.unit_cost)] += line.quantity
        first_day = min(business_date(t.head.sold_at) for t in store_tickets)
        digest = hashlib.sha256("\n".join(sorted(t.key for t in store_tickets)).encode())
        record_opening_balance(
            conn,
            f"import:opening:{store}:{digest.hexdigest()[:24]}",
            store,
            [StockLineInput(sku, qty, cost) for (sku, cost), qty in sorted(units.items())],
            at=dt.datetime.combine(first_day, dt.time(0), LIMA),
        )
    return len(by_store)


class Numbering:
    """The import's series, each locked at its first ticket and numbered here (``SerieBlock``).

    The sales of one import share a transaction; numbered one by one by ``post_sale``, each
    would walk past every earlier sale's version of its serie's row.
    """

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.blocks: dict[tuple[str, str], SerieBlock | None] = {}

    def block(self, store: str, doc_type: str) -> SerieBlock | None:
        """The serie the store's ``doc_type`` sales take (None: it has none, the sale says so)."""
        key = (store, doc_type)
        if key not in self.blocks:
            letter = SERIE_LETTERS[doc_type]
            try:
                store_id = store_by_code(self.conn, store).store_id
            except NotFound:
                self.blocks[key] = None  # the sale names the missing store
            else:
                self.blocks[key] = SerieBlock.open(self.conn, store_id, doc_type, letter)
        return self.blocks[key]

    def close(self) -> None:
        for block in self.blocks.values():
            if block is not None:
                block.close(self.conn)


def sell_ticket(
    conn: psycopg.Connection, ticket: Ticket, customer_id: int | None, numbering: Numbering
) -> SaleResult | list[Rejection]:
    """The ticket as one sale at the file's own prices, paid in full by its payment method."""
    head = ticket.head
    block = numbering.block(ticket.store, head.doc_type)
    request = SaleRequest(
        idempotency_key=ticket.key,
        store_code=ticket.store,
        lines=[SaleLineInput(x.sku, x.quantity, unit_price=x.unit_price) for x in ticket.lines],
        payments=[PaymentInput(head.payment_method, ticket.total)],
        doc_type=head.doc_type,
        customer_id=customer_id,
        sold_at=head.sold_at,
        channel=IMPORT_CHANNEL,
        serie=block.serie if block else None,
        number=block.peek() if block else None,
    )
    try:
        result = sell(conn, request)
    except InsufficientStock as exc:
        line = next(x for x in ticket.lines if x.sku == exc.product)
        reason = service_reasons.insufficient_stock(exc)
        return [Rejection(line.line, "quantity", shown(line.quantity), reason)]
    except InvalidInput as exc:
        on_line = exc.row and exc.field == "quantity" and exc.row <= len(ticket.lines)
        line = ticket.lines[exc.row - 1] if on_line else head
        reason = service_reasons.invalid_input(exc)
        return [Rejection(line.line, exc.field, shown(exc.value), reason)]
    except NotFound as exc:
        reason = service_reasons.not_found(exc)
        return [Rejection(head.line, exc.entity, shown(exc.key), reason)]
    if block and (result.serie, result.number) == (block.serie, block.peek()):
        block.taken(result.number)  # not so for a sale a previous run wrote (a replay)
    return result
