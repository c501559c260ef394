"""Selling: a boleta or factura with its lines, payments and kardex, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from erp_core.domain.documents import BOLETA, FACTURA, RUC
from erp_core.domain.kardex import OP_SALE
from erp_core.domain.money import GRAVADO, line_amounts, round_cents
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.ledger import Document, StockLedger
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

    def as_json(self) -> dict:
        return {
            "sale_id": self.sale_id,
            "sale_date": self.sale_date.isoformat(),
            "serie": self.serie,
            "number": self.number,
            "total_amount": str(self.total_amount),
            "taxable_amount": str(self.taxable_amount),
            "igv_amount": str(self.igv_amount),
            "line_ids": self.line_ids,
        }

    @classmethod
    def from_json(cls, data: dict) -> SaleResult:
        return cls(
            data["sale_id"],
            dt.date.fromisoformat(data["sale_date"]),
            data["serie"],
            data["number"],
            Decimal(data["total_amount"]),
            Decimal(data["taxable_amount"]),
            Decimal(data["igv_amount"]),
            list(data["line_ids"]),
        )


def sell(conn: psycopg.Connection, request: SaleRequest) -> SaleResult:
    """Record a sale; refused whole (nothing written) if any rule fails. Safe to retry."""
    with conn.transaction():
        stored = idempotency.claim(conn, request.idempotency_key, "sale")
        if stored is not None:
            return SaleResult.from_json(stored)
        result = _sell(conn, request)
        idempotency.record(conn, request.idempotency_key, result.as_json())
        return result


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
    store, products, discounts = _sale_context(conn, req, sale_date)

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

    ledger = StockLedger.lock(
        conn, store.store_id, store.code, {p.product_id: p.sku for p in products.values()}, sold_at
    )
    movements = [ledger.issue(p.product_id, qty, OP_SALE, None) for p, qty, _, _ in priced]
    letter = "F" if req.doc_type == FACTURA else "B"
    serie, number, sale_id = _number_and_insert_header(
        conn, req, store.store_id, sale_date, sold_at, letter,
        (taxable, exempt, igv, discount, total),
    )  # fmt: skip
    ledger.set_document(Document(req.doc_type, serie, number, "sales", sale_id))
    line_rows = [
        (line_no, store.store_id, product.product_id, quantity, a.list_price,
         a.unit_price, a.discount_amount, promotion_id, product.igv_affectation,
         a.taxable_amount, a.igv_amount, a.line_total, m.unit_cost_out, m.total_out)
        for line_no, ((product, quantity, a, promotion_id), m) in enumerate(
            zip(priced, movements, strict=True), 1)
    ]  # fmt: skip
    line_ids = _write_lines_payments_kardex(conn, sale_id, sale_date, line_rows, req, ledger)
    return SaleResult(sale_id, sale_date, serie, number, total, taxable, igv, line_ids)


LINE_COLUMNS = (
    ("line_no", "smallint"), ("store_id", "bigint"), ("product_id", "bigint"),
    ("quantity", "numeric"), ("list_price", "numeric"), ("unit_price", "numeric"),
    ("discount_amount", "numeric"), ("promotion_id", "bigint"), ("igv_affectation", "text"),
    ("taxable_amount", "numeric"), ("igv_amount", "numeric"), ("line_total", "numeric"),
    ("unit_cost", "numeric"), ("cost_amount", "numeric"),
)  # fmt: skip


def _write_lines_payments_kardex(conn, sale_id, sale_date, line_rows, req, ledger) -> list[int]:
    """Lines, payments, kardex rows and balances of a sale in one statement (one round trip)."""
    kardex_ctes, params = ledger.flush_statement()
    columns = list(zip(*line_rows, strict=True))
    params |= {f"l{i}": list(col) for i, col in enumerate(columns)}
    params |= {
        "sale_id": sale_id, "sale_date": sale_date,
        "methods": [p.method for p in req.payments],
        "amounts": [round_cents(p.amount) for p in req.payments],
    }  # fmt: skip
    names = ", ".join(name for name, _ in LINE_COLUMNS)
    arrays = ", ".join(f"%(l{i})s::{t}[]" for i, (_, t) in enumerate(LINE_COLUMNS))
    rows = conn.execute(
        f"with lines as (insert into sale_lines (sale_id, sale_date, {names}) "
        f"  select %(sale_id)s, %(sale_date)s, * from unnest({arrays}) "
        "  returning sale_line_id, line_no), "
        "payments as (insert into sale_payments (sale_id, sale_date, method, amount) "
        "  select %(sale_id)s, %(sale_date)s, * from unnest(%(methods)s::text[], "
        "  %(amounts)s::numeric[])), "
        f"{kardex_ctes} "
        "select sale_line_id from lines order by line_no",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def _sale_context(conn, req: SaleRequest, day: dt.date):
    """Store, products and their best active promotion, in one round trip."""
    skus = [line.sku for line in req.lines]
    rows = conn.execute(
        "select s.store_id, s.code, p.product_id, p.sku, p.list_price, p.igv_affectation, "
        "p.supplier_id, promo.discount_pct, promo.promotion_id "
        "from stores s left join products p on p.sku = any(%s) and p.is_active "
        "left join lateral (select discount_pct, promotion_id from promotions pr "
        "  where pr.product_id = p.product_id and (pr.store_id is null or pr.store_id = s.store_id)"
        "  and %s between pr.starts_on and pr.ends_on order by discount_pct desc limit 1) promo "
        "  on true "
        "where s.code = %s",
        (list(set(skus)), day, req.store_code),
    ).fetchall()
    if not rows:
        raise NotFound("store", req.store_code)
    store = Store(rows[0][0], rows[0][1])
    products = {r[3]: Product(*r[2:7]) for r in rows if r[2] is not None}
    for sku in skus:
        if sku not in products:
            raise NotFound("product", sku)
    discounts = {r[2]: (r[7], r[8]) for r in rows if r[7] is not None}
    return store, products, discounts


def _number_and_insert_header(conn, req, store_id, sale_date, sold_at, letter, amounts):
    """Take the next correlativo (series row lock), register it and insert the header."""
    taxable, exempt, igv, discount, total = amounts
    row = conn.execute(
        "with numbered as ("
        "  update comprobante_series set last_number = last_number + 1 "
        "  where series_id = (select series_id from comprobante_series "
        "    where store_id = %(store)s and doc_type = %(doc)s "
        "    and (%(serie)s::text is null or serie = %(serie)s) "
        "    and serie like %(letter)s || '%%' order by serie limit 1) "
        "  returning serie, last_number), "
        "registered as (insert into issued_documents (serie, number, doc_type, issued_on) "
        "  select serie, last_number, %(doc)s, %(day)s from numbered) "
        "insert into sales (sale_date, sold_at, store_id, doc_type, serie, number, customer_id, "
        "  channel, taxable_amount, exempt_amount, igv_amount, discount_amount, total_amount) "
        "select %(day)s, %(at)s, %(store)s, %(doc)s, serie, last_number, %(customer)s, "
        "  %(channel)s, %(taxable)s, %(exempt)s, %(igv)s, %(discount)s, %(total)s from numbered "
        "returning serie, number, sale_id",
        {"store": store_id, "doc": req.doc_type, "serie": req.serie, "letter": letter,
         "day": sale_date, "at": sold_at, "customer": req.customer_id, "channel": req.channel,
         "taxable": taxable, "exempt": exempt, "igv": igv, "discount": discount, "total": total},
    ).fetchone()  # fmt: skip
    if row is None:
        raise InvalidInput(
            "serie", req.serie or letter, f"no comprobante serie of type {req.doc_type} here"
        )
    return row


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
