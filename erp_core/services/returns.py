"""Customer returns: a credit note (07) referencing the sale; goods come back at their cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.domain.documents import NOTA_CREDITO
from erp_core.domain.kardex import OP_CUSTOMER_RETURN
from erp_core.domain.money import GRAVADO, round_cents, split_igv
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import Document, StockLedger
from erp_core.services.lookups import positive_quantity, whole_number
from erp_core.services.moments import transaction_at
from erp_core.services.numbering import next_number
from erp_core.timeutil import business_date

MAX_REASON = 500  # the credit note's sustento (SUNAT's UBL allows 500 characters)


@dataclass(frozen=True)
class ReturnLineInput:
    sale_line_id: int
    quantity: Decimal


@dataclass
class SoldLine:
    """A sale line, and what of it was returned, refunded and valued back in so far."""

    product_id: int
    sku: str
    quantity: Decimal
    line_total: Decimal
    igv_affectation: str
    unit_cost: Decimal
    cost_amount: Decimal
    returned: Decimal
    refunded: Decimal
    cost_back: Decimal


@dataclass
class ReturnRequest:
    idempotency_key: str
    sale_id: int
    lines: list[ReturnLineInput]
    reason: str = "devolución del cliente"
    returned_at: dt.datetime | None = None


def return_sale(conn: psycopg.Connection, request: ReturnRequest) -> int:
    """Record a return against a sale; refunds pro rata of what the line was paid."""
    fingerprint = idempotency.fingerprint(
        request.sale_id, request.lines, request.reason, request.returned_at
    )
    with transaction_at(conn, request.returned_at, "returned_at") as returned_at:
        stored = idempotency.claim(conn, request.idempotency_key, "return", fingerprint)
        if stored is not None:
            return stored["return_id"]
        return_id = _return(conn, request, returned_at)
        idempotency.record(conn, request.idempotency_key, {"return_id": return_id})
        return return_id


def _return(conn: psycopg.Connection, req: ReturnRequest, returned_at: dt.datetime) -> int:
    return_date = business_date(returned_at)
    if not req.lines:
        raise InvalidInput("lines", [], "a return needs at least one line")
    whole_number(req.sale_id, "sale_id", "must be a sale's id")
    if not isinstance(req.reason, str) or not 0 < len(req.reason.strip()) <= MAX_REASON:
        raise InvalidInput("reason", req.reason, f"the credit note's reason: 1 to {MAX_REASON} "
                           "characters")  # fmt: skip
    sale = conn.execute(
        "select s.sale_id, s.sale_date, s.store_id, st.code, s.serie, s.sold_at from sales s "
        "join stores st using (store_id) where s.sale_id = %s",
        (req.sale_id,),
    ).fetchone()
    if sale is None:
        raise NotFound("sale", req.sale_id)
    sale_id, sale_date, store_id, store_code, sale_serie, sold_at = sale
    if returned_at < sold_at:  # a credit note cannot come before the sale it credits
        raise InvalidInput("returned_at", returned_at.isoformat(), f"is before the sale, {sold_at}")
    sold = _sold_lines(conn, sale_id, sale_date)
    products = {line.product_id: line.sku for line in sold.values()}
    ledger = StockLedger.lock(conn, store_id, store_code, products, returned_at, "returned_at")
    serie, number = next_number(conn, store_id, NOTA_CREDITO, return_date, letter=sale_serie[0])
    return_id = conn.execute(
        "insert into returns (sale_id, sale_date, return_date, returned_at, store_id, serie, "
        "number, reason, taxable_amount, exempt_amount, igv_amount, total_amount) "
        "values (%s,%s,%s,%s,%s,%s,%s,%s,0,0,0,0) returning return_id",
        (sale_id, sale_date, return_date, returned_at, store_id, serie, number, req.reason),
    ).fetchone()[0]
    doc = Document(NOTA_CREDITO, serie, number, "returns", return_id)
    totals = {"taxable": Decimal(0), "exempt": Decimal(0), "igv": Decimal(0), "total": Decimal(0)}
    for row, line in enumerate(req.lines, 1):
        if line.sale_line_id not in sold:
            raise InvalidInput("sale_line_id", line.sale_line_id, "is not a line of this sale", row)
        quantity = positive_quantity(line.quantity, "quantity", row)
        sold_line = sold[line.sale_line_id]
        left = sold_line.quantity - sold_line.returned
        if quantity > left:
            raise InvalidInput("quantity", str(quantity), f"only {left} left to return", row)
        # pro rata of everything returned so far, less what came back before: the parts of a
        # line add up to what it was paid and to the cost it left with
        share = (sold_line.returned + quantity) / sold_line.quantity
        refund = round_cents(sold_line.line_total * share) - sold_line.refunded
        cost_back = round_cents(sold_line.cost_amount * share) - sold_line.cost_back
        affectation = sold_line.igv_affectation
        taxable, igv = split_igv(refund, affectation)
        ledger.receive_value(sold_line.product_id, quantity, cost_back, OP_CUSTOMER_RETURN, doc,
                             unit_cost=sold_line.unit_cost)  # fmt: skip
        conn.execute(
            "insert into return_lines (return_id, sale_line_id, product_id, quantity, "
            "taxable_amount, igv_amount, line_total, unit_cost, cost_amount) "
            "values (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            (return_id, line.sale_line_id, sold_line.product_id, quantity, taxable, igv, refund,
             sold_line.unit_cost, cost_back),
        )  # fmt: skip
        sold_line.returned += quantity
        sold_line.refunded += refund
        sold_line.cost_back += cost_back
        totals["taxable" if affectation == GRAVADO else "exempt"] += taxable
        totals["igv"] += igv
        totals["total"] += refund
    conn.execute(
        "update returns set taxable_amount = %s, exempt_amount = %s, igv_amount = %s, "
        "total_amount = %s where return_id = %s",
        (totals["taxable"], totals["exempt"], totals["igv"], totals["total"], return_id),
    )
    ledger.flush()
    return return_id


def _sold_lines(conn: psycopg.Connection, sale_id: int, sale_date) -> dict[int, SoldLine]:
    """The sale's lines by id, with what was returned, refunded and valued back of each so far.

    The lines are locked first, in a statement of their own: the next statement's snapshot then
    sees a concurrent return of the same lines that committed while this one waited for them.
    """
    conn.execute(
        "select 1 from sale_lines where sale_id = %s and sale_date = %s "
        "order by sale_line_id for update",
        (sale_id, sale_date),
    )
    rows = conn.execute(
        "select l.sale_line_id, l.product_id, p.sku, l.quantity, l.line_total, "
        "l.igv_affectation, l.unit_cost, l.cost_amount, coalesce(r.quantity, 0), "
        "coalesce(r.refunded, 0), coalesce(r.cost_back, 0) "
        "from sale_lines l join products p using (product_id) "
        "left join lateral (select sum(quantity) as quantity, sum(line_total) as refunded, "
        "  sum(cost_amount) as cost_back "
        "  from return_lines where sale_line_id = l.sale_line_id) r on true "
        "where l.sale_id = %s and l.sale_date = %s",
        (sale_id, sale_date),
    ).fetchall()
    return {row[0]: SoldLine(*row[1:]) for row in rows}
