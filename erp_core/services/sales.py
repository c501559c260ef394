"""Selling: a boleta or factura with its lines, payments and kardex, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import psycopg
from psycopg.pq import TransactionStatus

from erp_core.domain.documents import (
    BOLETA,
    FACTURA,
    MAX_CORRELATIVO,
    InvalidDocument,
    check_serie,
)
from erp_core.services import idempotency
from erp_core.services.errors import (
    InsufficientStock,
    InvalidInput,
    NotFound,
    OutOfDateOrder,
    PeriodClosed,
)
from erp_core.services.lookups import positive_amount, positive_quantity, whole_number
from erp_core.services.moments import missing_partition, moment
from erp_core.timeutil import business_date

PAYMENT_METHODS = ("cash", "card", "yape", "plin", "transfer")
CHANNELS = ("pos", "web", "app", "delivery", "phone", "import")  # where the sale was made
IDENTIFIED_BOLETA_THRESHOLD = Decimal("700.00")  # restated in sale_refusal (migration 0011)


@dataclass(frozen=True)
class SaleLineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None  # with IGV; set only by imports of another system's sales


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal


@dataclass
class SaleRequest:
    idempotency_key: str
    store_code: str
    lines: list[SaleLineInput]
    payments: list[PaymentInput]
    doc_type: str = BOLETA
    customer_id: int | None = None
    sold_at: dt.datetime | None = None
    serie: str | None = None  # the terminal's serie; default the store's first of the type
    channel: str = "pos"
    number: int | None = None  # taken by the caller under the serie's lock (migration 0009)


@dataclass(frozen=True)
class SaleResult:
    sale_id: int
    sale_date: dt.date
    serie: str
    number: int
    total_amount: Decimal
    taxable_amount: Decimal
    igv_amount: Decimal
    line_ids: list[int] = field(default_factory=list)


class SaleArguments(NamedTuple):
    """``post_sale``'s arguments, in its order; ``post_sales`` takes them as parallel arrays."""

    key: str
    store_code: str
    doc_type: str
    serie: str | None
    sale_date: dt.date
    sold_at: dt.datetime
    customer_id: int | None
    channel: str
    skus: list[str]
    quantities: list[Decimal]
    unit_prices: list[Decimal | None]
    payment_methods: list[str]
    payment_amounts: list[Decimal]
    number: int | None
    request: str  # the request's fingerprint, kept with its key (migration 0014)


POST_SALE = "select * from post_sale(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def sell(conn: psycopg.Connection, request: SaleRequest) -> SaleResult:
    """Record a sale; refused whole (nothing written) if any rule fails. Safe to retry.

    One statement: the database function ``post_sale`` (migration 0005) claims the key, prices
    the lines, locks and values the balances, numbers and writes the sale. On an autocommit
    connection outside a transaction that statement is the transaction: one round trip.
    """
    idempotency.check_key(request.idempotency_key)
    return _post_sale(conn, request, _arguments(request))


def _post_sale(
    conn: psycopg.Connection, request: SaleRequest, arguments: SaleArguments
) -> SaleResult:
    """One ``post_sale`` call of checked arguments; a refusal raised as the service's error."""
    try:
        if conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE:
            row = conn.execute(POST_SALE, arguments).fetchone()
        else:
            with conn.transaction():
                row = conn.execute(POST_SALE, arguments).fetchone()
    except psycopg.Error as error:
        refusal = _refusal(error, request) or missing_partition(error, "sold_at", arguments.sold_at)
        if refusal is None:
            raise
        raise refusal from None
    sale_id, sale_date, serie, number, total, taxable, igv, line_ids, _ = row
    return SaleResult(sale_id, sale_date, serie, number, total, taxable, igv, line_ids)


POST_SALES = (
    "select ordinal, sale_id, sale_date, serie, number, total_amount, taxable_amount, "
    "igv_amount, line_ids, error_state, error_detail::text from post_sales(%s, %s, %s, %s, "
    "%s::date[], %s::timestamptz[], %s::bigint[], %s, %s::integer[], %s::integer[], %s, "
    "%s::numeric[], %s::numeric[], %s::integer[], %s, %s::numeric[], %s::text[])"
)


def sell_many(
    conn: psycopg.Connection, requests: list[SaleRequest]
) -> list[SaleResult | Exception]:
    """Record many sales in one transaction, each whole or refused on its own (``post_sales``).

    Returns, in the order given, each sale's result or the error that refused it (the one
    ``sell`` would raise). If the statement fails as a whole (a deadlock, a number given twice),
    on an autocommit connection each sale is retried alone, in its own transaction, so that the
    error lands on the sale that caused it; inside the caller's transaction (an import) the
    error is raised, and that transaction is lost.
    """
    results: list[SaleResult | Exception | None] = [None] * len(requests)
    ready: list[tuple[int, SaleRequest, SaleArguments]] = []
    for index, request in enumerate(requests):
        try:
            idempotency.check_key(request.idempotency_key)
            ready.append((index, request, _arguments(request)))
        except InvalidInput as error:
            results[index] = error
    while ready:  # a key given twice waits for the next round: it then answers as a retry
        batch, later, keys = [], [], set()
        for item in ready:
            (later if item[1].idempotency_key in keys else batch).append(item)
            keys.add(item[1].idempotency_key)
        for (index, _, _), outcome in zip(batch, _post_batch(conn, batch), strict=True):
            results[index] = outcome
        ready = later
    return results


def _post_batch(
    conn: psycopg.Connection, batch: list[tuple[int, SaleRequest, SaleArguments]]
) -> list:
    """One ``post_sales`` call: ``post_sale``'s arguments of each sale, as its parallel arrays.

    A lone sale goes to ``post_sale``, which writes one sale for less (migration 0010).
    """
    if len(batch) == 1:
        _, request, arguments = batch[0]
        return [_sell_alone(conn, request, arguments)]
    sales = [arguments for _, _, arguments in batch]
    line_sales = [ordinal for ordinal, x in enumerate(sales, 1) for _ in x.skus]
    payment_sales = [ordinal for ordinal, x in enumerate(sales, 1) for _ in x.payment_methods]
    per_sale = ("key", "store_code", "doc_type", "serie", "sale_date", "sold_at", "customer_id",
                "channel", "number", "request")  # fmt: skip
    columns = [[getattr(x, name) for x in sales] for name in per_sale]
    lines = [[v for x in sales for v in getattr(x, name)]
             for name in ("skus", "quantities", "unit_prices")]  # fmt: skip
    payments = [[v for x in sales for v in getattr(x, name)]
                for name in ("payment_methods", "payment_amounts")]  # fmt: skip
    try:
        rows = conn.execute(
            POST_SALES, (*columns[:-1], line_sales, *lines, payment_sales, *payments, columns[-1])
        ).fetchall()
    except psycopg.Error:
        if conn.broken or not conn.autocommit:
            raise
        return [_sell_alone(conn, request, arguments) for _, request, arguments in batch]
    outcomes: list = [None] * len(batch)
    for ordinal, *written, state, detail in rows:
        request = batch[ordinal - 1][1]
        outcomes[ordinal - 1] = (  # post_sales refuses only for the reasons post_sale does
            SaleResult(*written) if state is None else _refusal_of(state, detail, request)
        )
    return outcomes


def _sell_alone(
    conn: psycopg.Connection, request: SaleRequest, arguments: SaleArguments
) -> SaleResult | Exception:
    try:
        return _post_sale(conn, request, arguments)
    except (InvalidInput, NotFound, InsufficientStock, psycopg.Error) as error:
        return error


def _arguments(req: SaleRequest) -> SaleArguments:
    """``post_sale``'s arguments, after the checks that need no data (one row each)."""
    if req.doc_type not in (BOLETA, FACTURA):
        raise InvalidInput("doc_type", req.doc_type, "must be 03 (boleta) or 01 (factura)")
    if req.serie is not None:
        try:
            check_serie(req.doc_type, req.serie)
        except InvalidDocument as error:
            raise InvalidInput("serie", req.serie, str(error)) from None
    if req.number is not None:
        if req.serie is None:
            raise InvalidInput("number", req.number, "a number is given only with its serie")
        if isinstance(req.number, bool) or not isinstance(req.number, int):
            raise InvalidInput("number", req.number, "must be a whole number")
        if not 0 < req.number <= MAX_CORRELATIVO:
            raise InvalidInput("number", req.number, f"must be from 1 to {MAX_CORRELATIVO}")
    if req.channel not in CHANNELS:
        raise InvalidInput("channel", req.channel, f"must be one of {', '.join(CHANNELS)}")
    if req.customer_id is not None:
        whole_number(req.customer_id, "customer_id", "must be a customer's id")
    if not req.lines:
        raise InvalidInput("lines", [], "a sale needs at least one line")
    quantities = []
    for row, line in enumerate(req.lines, 1):
        if not isinstance(line.sku, str) or not line.sku.strip():
            raise InvalidInput("sku", line.sku, "must be a product's SKU", row)
        quantities.append(positive_quantity(line.quantity, "quantity", row))
    _check_payments(req.payments)
    sold_at = moment(req.sold_at, "sold_at")
    return SaleArguments(
        req.idempotency_key, req.store_code, req.doc_type, req.serie, business_date(sold_at),
        sold_at, req.customer_id, req.channel, [line.sku for line in req.lines], quantities,
        [line.unit_price for line in req.lines], [p.method for p in req.payments],
        [p.amount for p in req.payments], req.number, _fingerprint(req),
    )  # fmt: skip


def _fingerprint(req: SaleRequest) -> str:
    """The sale as its client asked for it: a retry repeats it, another sale under the same
    key does not (``sold_at`` as given: a retry's "now" is another moment)."""
    return idempotency.fingerprint(
        req.store_code, req.lines, req.payments, req.doc_type, req.customer_id, req.sold_at,
        req.serie, req.channel, req.number,
    )  # fmt: skip


def _refusal(error: psycopg.Error, req: SaleRequest) -> Exception | None:
    """The service's own error for a rule ``post_sale`` refused the sale by; None otherwise."""
    return _refusal_of(error.sqlstate, error.diag.message_detail, req)


def _refusal_of(sqlstate: str | None, detail: str | None, req: SaleRequest) -> Exception | None:
    """The service's error for a refusal's SQLSTATE and JSON detail (post_sale, post_sales)."""
    if sqlstate == "P0002":  # no such serie
        return InvalidInput("serie", req.serie, f"no comprobante serie of type {req.doc_type}")
    if sqlstate not in ("IL404", "IL409", "IL422", "IL423", "IL425"):
        return None
    detail = json.loads(detail, parse_float=Decimal)
    if sqlstate == "IL423":  # a closed month (migration 0016)
        return PeriodClosed(
            detail["field"], detail["value"], dt.date.fromisoformat(detail["month"])
        )
    if sqlstate == "IL425":  # dated before the latest movement of a product (migration 0016)
        later = detail["later"] or {"operation": "?", "doc_type": "?", "serie": "?", "number": 0,
                                    "date": req.sold_at.date().isoformat()}  # fmt: skip
        later["date"] = dt.date.fromisoformat(later["date"])
        return OutOfDateOrder(
            detail["field"], detail["value"], detail["product"], detail["store"], later
        )
    if sqlstate == "IL404":
        return NotFound(detail["entity"], detail["key"])
    if sqlstate == "IL409":
        return InsufficientStock(
            detail["product"], detail["store"], Decimal(detail["stock"]),
            Decimal(detail["requested"]),
        )  # fmt: skip
    return InvalidInput(detail["field"], detail["value"], detail["reason"])


def _check_payments(payments: list[PaymentInput]) -> None:
    """Methods and amounts; that they add up to the total is checked by ``post_sale``."""
    if not payments:
        raise InvalidInput("payments", [], "a sale needs at least one payment")
    for row, payment in enumerate(payments, 1):
        if payment.method not in PAYMENT_METHODS:
            raise InvalidInput("payment.method", payment.method, "unknown payment method", row)
        positive_amount(payment.amount, "payment.amount", row)
