"""Selling: a boleta or factura with its lines, payments and kardex, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from erp_core.domain.documents import BOLETA, FACTURA, RUC
from erp_core.domain.kardex import OP_SALE, Balance
from erp_core.domain.money import GRAVADO, line_amounts, round_cents
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import StockLedger
from erp_core.services.lookups import Product, Store, positive_quantity
from erp_core.timeutil import business_date, now

PAYMENT_METHODS = ("cash", "card", "yape", "plin", "transfer")
IDENTIFIED_BOLETA_THRESHOLD = Decimal("700.00")


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


def sell(conn: psycopg.Connection, request: SaleRequest) -> SaleResult:
    """Record a sale; refused whole (nothing written) if any rule fails. Safe to retry.

    Two statements, both database functions: ``claim_sale`` claims the key (taking the sale's
    id), reads the store and products and locks their balances; Python values the sale; then
    ``record_sale`` numbers and writes it.
    """
    idempotency.check_key(request.idempotency_key)
    try:
        with conn.transaction():
            return _sell(conn, request)
    except psycopg.errors.NoDataFound:  # record_sale found no such serie
        raise InvalidInput(
            "serie", request.serie, f"no comprobante serie of type {request.doc_type}"
        ) from None


def _sell(conn: psycopg.Connection, req: SaleRequest) -> SaleResult:
    sold_at = req.sold_at or now()
    sale_date = business_date(sold_at)
    if req.doc_type not in (BOLETA, FACTURA):
        raise InvalidInput("doc_type", req.doc_type, "must be 03 (boleta) or 01 (factura)")
    if not req.lines:
        raise InvalidInput("lines", [], "a sale needs at least one line")
    quantities = [
        positive_quantity(line.quantity, "quantity", row) for row, line in enumerate(req.lines, 1)
    ]
    context = _claim_and_lock(conn, req, sale_date)
    if context is None:  # applied before: answer as the first time
        return _stored_result(conn, idempotency.stored_result(conn, req.idempotency_key, "sale"))
    sale_id, store, products, discounts, balances = context

    priced = []
    for line, quantity in zip(req.lines, quantities, strict=True):
        product = products[line.sku]
        if line.unit_price is not None:
            price, pct, promotion_id = line.unit_price, Decimal(0), None
        else:
            price = product.list_price
            pct, promotion_id = discounts.get(product.product_id, (Decimal(0), None))
        amounts = line_amounts(price, quantity, product.igv_affectation, pct)
        priced.append((product, quantity, amounts, promotion_id))
    zero = Decimal("0.00")
    total = sum((a.line_total for _, _, a, _ in priced), zero)
    taxable = sum((a.taxable_amount for p, _, a, _ in priced if p.igv_affectation == GRAVADO), zero)
    exempt = sum((a.taxable_amount for p, _, a, _ in priced if p.igv_affectation != GRAVADO), zero)
    igv = sum((a.igv_amount for _, _, a, _ in priced), zero)
    discount = sum((a.discount_amount for _, _, a, _ in priced), zero)

    _check_customer(conn, req, total)
    _check_payments(req.payments, total)

    ledger = StockLedger.of_locked(
        conn, store.store_id, store.code, {p.product_id: p.sku for p in products.values()},
        sold_at, balances,
    )  # fmt: skip
    movements = [ledger.issue(p.product_id, qty, OP_SALE, None) for p, qty, _, _ in priced]
    lines = [
        {"line_no": line_no, "product_id": product.product_id, "quantity": quantity,
         "list_price": a.list_price, "unit_price": a.unit_price,
         "discount_amount": a.discount_amount, "promotion_id": promotion_id,
         "igv_affectation": product.igv_affectation, "taxable_amount": a.taxable_amount,
         "igv_amount": a.igv_amount, "line_total": a.line_total,
         "unit_cost": m.unit_cost_out, "cost_amount": m.total_out,
         "balance_quantity": m.balance.quantity, "balance_unit_cost": m.balance.unit_cost,
         "balance_value": m.balance.value}
        for line_no, ((product, quantity, a, promotion_id), m) in enumerate(
            zip(priced, movements, strict=True), 1)
    ]  # fmt: skip
    payments = [{"method": p.method, "amount": round_cents(p.amount)} for p in req.payments]
    rows = conn.execute(
        "select serie, number, sale_line_id from record_sale("
        "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)",
        (sale_id, store.store_id, req.doc_type, req.serie,
         "F" if req.doc_type == FACTURA else "B", sale_date, sold_at, req.customer_id,
         req.channel, taxable, exempt, igv, discount, total, _json(lines), _json(payments)),
    ).fetchall()  # fmt: skip
    serie, number = rows[0][:2]
    line_ids = [row[2] for row in rows]
    return SaleResult(sale_id, sale_date, serie, number, total, taxable, igv, line_ids)


def _json(records: list[dict]) -> str:
    """JSON for the write function; decimals as strings, so no value passes through a float."""
    return json.dumps(records, default=str, separators=(",", ":"))


def _claim_and_lock(conn, req: SaleRequest, day: dt.date):
    """Claim the idempotency key (taking the sale's id), read store, products and promotions,
    lock the balances: the database function ``claim_sale``.

    Returns None when the key was already claimed (a retry). The key's unique index makes a
    concurrent retry wait here until the first attempt commits or rolls back.
    """
    skus = [line.sku for line in req.lines]
    rows = conn.execute(
        "select * from claim_sale(%s, %s, %s, %s)",
        (req.idempotency_key, day, req.store_code, list(set(skus))),
    ).fetchall()
    if not rows:
        return None
    sale_id = rows[0][0]
    if rows[0][1] is None:
        raise NotFound("store", req.store_code)
    store = Store(rows[0][1], rows[0][2])
    products = {r[4]: Product(*r[3:8]) for r in rows if r[3] is not None}
    for sku in skus:
        if sku not in products:
            raise NotFound("product", sku)
    discounts = {r[3]: (r[8], r[9]) for r in rows if r[8] is not None}
    balances = {r[3]: Balance(r[10], r[11], r[12]) for r in rows if r[10] is not None}
    return sale_id, store, products, discounts, balances


def _stored_result(conn, stored: dict) -> SaleResult:
    """The answer to a retried sale, read back from what the first attempt wrote."""
    sale_id, sale_date = stored["sale_id"], dt.date.fromisoformat(stored["sale_date"])
    serie, number, total, taxable, igv = conn.execute(
        "select serie, number, total_amount, taxable_amount, igv_amount from sales "
        "where sale_id = %s and sale_date = %s",
        (sale_id, sale_date),
    ).fetchone()
    line_ids = [
        row[0]
        for row in conn.execute(
            "select sale_line_id from sale_lines where sale_id = %s and sale_date = %s "
            "order by line_no",
            (sale_id, sale_date),
        )
    ]
    return SaleResult(sale_id, sale_date, serie, number, total, taxable, igv, line_ids)


def _check_customer(conn, req: SaleRequest, total: Decimal) -> None:
    customer = None
    if req.customer_id is not None:
        customer = conn.execute(
            "select doc_type, is_blocked from customers where customer_id = %s",
            (req.customer_id,),
        ).fetchone()
        if customer is None:
            raise NotFound("customer", req.customer_id)
    if req.doc_type == FACTURA and (customer is None or customer[0] != RUC):
        raise InvalidInput("customer_id", req.customer_id, "a factura requires a customer with RUC")
    if req.doc_type == BOLETA and total > IDENTIFIED_BOLETA_THRESHOLD and customer is None:
        raise InvalidInput(
            "customer_id",
            None,
            f"a boleta of S/ {total:,.2f} (over S/ 700) must identify the buyer",
        )


def _check_payments(payments: list[PaymentInput], total: Decimal) -> None:
    if not payments:
        raise InvalidInput("payments", [], "a sale needs at least one payment")
    for row, payment in enumerate(payments, 1):
        if payment.method not in PAYMENT_METHODS:
            raise InvalidInput("payment.method", payment.method, "unknown payment method", row)
        if Decimal(str(payment.amount)) <= 0:
            raise InvalidInput("payment.amount", payment.amount, "must be positive", row)
    paid = sum((round_cents(p.amount) for p in payments), Decimal("0.00"))
    if paid != total:
        raise InvalidInput("payments", str(paid), f"payments must add up to the total {total}")
