"""Write validated tickets through the services: partitions, opening stock, one sale per ticket.

A sale that the service refuses (e.g. not enough stock) becomes rejections for its lines, told
in Spanish from the exception's fields (``service_reasons``); ``post_sales`` writes nothing of a
refused sale and the others of its batch are written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal

import psycopg

from erp_core import partitions
from erp_core.importer import service_reasons
from erp_core.importer.report import Rejection, shown
from erp_core.importer.tickets import Ticket
from erp_core.services.adjustments import StockLineInput, record_opening_balance
from erp_core.services.errors import (
    InsufficientStock,
    InvalidInput,
    NotFound,
    OutOfDateOrder,
    PeriodClosed,
)
from erp_core.services.ledger import latest_movement
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, SaleResult, sell_many
from erp_core.timeutil import LIMA, business_date, format_moment

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


def lock_balances(conn: psycopg.Connection, tickets: list[Ticket]) -> None:
    """Lock every balance the tickets sell from, in (product, store) order, before any sale.

    The import holds its locks until it commits. Locking balances batch by batch, it would hold
    a serie (numbered in its first batch) while it waits for a balance a till holds, and that
    till then waits for the serie: a deadlock, which Postgres ends by aborting one of the two,
    maybe the import after all its work. Locked first, in the order every sale locks them, a
    till only waits for the import, or the import for the till.
    """
    pairs = sorted({(t.store, x.sku) for t in tickets for x in t.lines})
    conn.execute(
        "select 1 from unnest(%s::text[], %s::text[]) as u(code, sku) "
        "join stores s on s.code = u.code::char(4) join products p on p.sku = u.sku "
        "join stock_balances b on b.store_id = s.store_id and b.product_id = p.product_id "
        "order by b.product_id, b.store_id for update of b",
        ([store for store, _ in pairs], [sku for _, sku in pairs]),
    )


def post_opening_stock(conn: psycopg.Connection, tickets: list[Ticket]) -> int:
    """Saldo inicial (kardex 16) per store: exactly the units the tickets sell, at cost.

    Each SKU's opening is dated at the start of its first sale day in the store, so that it
    precedes every imported sale of it and follows every movement the core already holds of it
    (the kardex is kept in date order): one opening per store and such day. The key depends on
    the tickets loaded, so a re-run that loads nothing posts nothing. Returns how many stores
    got an opening.
    """
    by_store: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        by_store[ticket.store].append(ticket)
    for store, store_tickets in sorted(by_store.items()):
        units: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
        first_day: dict[str, dt.date] = {}
        for ticket in store_tickets:
            day = business_date(ticket.head.sold_at)
            for line in ticket.lines:
                units[(line.sku, line.unit_cost)] += line.quantity
                first_day[line.sku] = min(day, first_day.get(line.sku, day))
        digest = hashlib.sha256("\n".join(sorted(t.key for t in store_tickets)).encode())
        for day in sorted(set(first_day.values())):
            record_opening_balance(
                conn,
                f"import:opening:{store}:{day:%Y%m%d}:{digest.hexdigest()[:24]}",
                store,
                [StockLineInput(sku, qty, cost) for (sku, cost), qty in sorted(units.items())
                 if first_day[sku] == day],
                at=dt.datetime.combine(day, dt.time(0), LIMA),
            )  # fmt: skip
    return len(by_store)


def shown_moment(at: dt.datetime) -> str:
    return format_moment(at)


def date_order(conn: psycopg.Connection, tickets: list[Ticket]) -> list[Rejection]:
    """Lines the core would refuse for their date: in a closed month, or before the latest
    movement the core holds of their product in their store (the kardex is kept in date order).

    Checked with the other rules, before anything is written, so that an all-or-nothing import
    is refused whole and a --reject-file import sets those tickets aside.
    """
    pairs = sorted({(t.store, x.sku) for t in tickets for x in t.lines})
    rows = conn.execute(
        "select u.code, u.sku, s.store_id, p.product_id, "
        "(b.last_movement_at at time zone 'America/Lima')::date "
        "from unnest(%s::text[], %s::text[]) as u(code, sku) "
        "join stores s on s.code = u.code::char(4) join products p on p.sku = u.sku "
        "join stock_balances b on b.store_id = s.store_id and b.product_id = p.product_id "
        "where b.last_movement_at is not null",
        ([store for store, _ in pairs], [sku for _, sku in pairs]),
    ).fetchall()
    latest = {(code.strip(), sku): (store_id, product_id, day)
              for code, sku, store_id, product_id, day in rows}  # fmt: skip
    closed = {row[0] for row in conn.execute("select month from period_closures")}
    named: dict[tuple[str, str], dict] = {}
    rejections = []
    for ticket in tickets:
        day = business_date(ticket.head.sold_at)
        if day.replace(day=1) in closed:
            error = PeriodClosed("sold_at", ticket.head.sold_at, day.replace(day=1))
            rejections += _rejections(ticket, error)
            continue
        for line in ticket.lines:
            found = latest.get((ticket.store, line.sku))
            if found is None or found[2] <= day:
                continue
            if (ticket.store, line.sku) not in named:
                named[(ticket.store, line.sku)] = latest_movement(conn, *found)
            later = named[(ticket.store, line.sku)]
            error = OutOfDateOrder("sold_at", line.sold_at, line.sku, ticket.store, later)
            rejections += _rejections(ticket, error)
            break
    return rejections


BATCH = 64  # tickets a ``post_sales`` statement writes (migration 0010)


def sell_tickets(
    conn: psycopg.Connection, tickets: list[tuple[Ticket, int | None]]
) -> list[SaleResult | list[Rejection]]:
    """Each (ticket, customer) as one sale at the file's own prices, paid in full by its
    payment method: its result, or the rejections of its lines.

    One ``post_sales`` statement for the lot (``sell_many``): the import writes the serie's
    row once a batch, not once a ticket (every version of that row stays until the import
    commits, and each next numbering walked past all of them), and the statements' fixed cost
    is shared. Tickets are numbered in the order given, without gaps.
    """
    requests = [
        SaleRequest(
            idempotency_key=ticket.key,
            store_code=ticket.store,
            lines=[SaleLineInput(x.sku, x.quantity, unit_price=x.unit_price) for x in ticket.lines],
            payments=[PaymentInput(ticket.head.payment_method, ticket.total)],
            doc_type=ticket.head.doc_type,
            customer_id=customer_id,
            sold_at=ticket.head.sold_at,
            channel=IMPORT_CHANNEL,
        )
        for ticket, customer_id in tickets
    ]
    return [
        outcome if isinstance(outcome, SaleResult) else _rejections(ticket, outcome)
        for (ticket, _), outcome in zip(tickets, sell_many(conn, requests), strict=True)
    ]


def _rejections(ticket: Ticket, error: Exception) -> list[Rejection]:
    """Why the sales service refused ``ticket``, on the line it names (else the first)."""
    head = ticket.head
    if isinstance(error, OutOfDateOrder):
        line = next((x for x in ticket.lines if x.sku == error.product), head)
        reason = service_reasons.out_of_date_order(error)
        return [Rejection(line.line, "date", shown_moment(line.sold_at), reason)]
    if isinstance(error, PeriodClosed):
        reason = service_reasons.period_closed(error)
        return [Rejection(head.line, "date", shown_moment(head.sold_at), reason)]
    if isinstance(error, InsufficientStock):
        line = next(x for x in ticket.lines if x.sku == error.product)
        reason = service_reasons.insufficient_stock(error)
        return [Rejection(line.line, "quantity", shown(line.quantity), reason)]
    if isinstance(error, InvalidInput):
        on_line = error.row and error.field == "quantity" and error.row <= len(ticket.lines)
        line = ticket.lines[error.row - 1] if on_line else head
        reason = service_reasons.invalid_input(error)
        return [Rejection(line.line, error.field, shown(error.value), reason)]
    if isinstance(error, NotFound):
        reason = service_reasons.not_found(error)
        return [Rejection(head.line, error.entity, shown(error.key), reason)]
    raise error  # not a refusal: the database failed, and the import with it
