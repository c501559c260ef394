"""Resolve natural keys (store code, SKU) to rows, with errors that name the missing key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import psycopg

from erp_core.services.errors import InvalidInput, NotFound

MAX_QUANTITY = Decimal("1e11")  # quantities are numeric(14,3): 11 digits before the point
MAX_AMOUNT = Decimal("1e12")  # amounts are numeric(14,2): 12 digits before the point
MAX_COST = Decimal("1e12")  # unit costs are numeric(18,6): 12 digits before the point
MAX_ID = 2**63 - 1  # ids are bigint


@dataclass(frozen=True)
class Store:
    store_id: int
    code: str


@dataclass(frozen=True)
class Product:
    product_id: int
    sku: str
    list_price: Decimal
    igv_affectation: str
    supplier_id: int


def store_by_code(conn: psycopg.Connection, code: str) -> Store:
    row = conn.execute("select store_id, code from stores where code = %s", (code,)).fetchone()
    if row is None:
        raise NotFound("store", code)
    return Store(*row)


def products_by_sku(conn: psycopg.Connection, skus: list[str]) -> dict[str, Product]:
    """Active products by SKU; raises NotFound naming the first unknown or inactive SKU."""
    rows = conn.execute(
        "select product_id, sku, list_price, igv_affectation, supplier_id from products "
        "where sku = any(%s) and is_active",
        (list(set(skus)),),
    ).fetchall()
    found = {row[1]: Product(*row) for row in rows}
    for sku in skus:
        if sku not in found:
            raise NotFound("product", sku)
    return found


def positive_quantity(value, field: str, row: int | None = None) -> Decimal:
    """A quantity moved: more than zero, and one the balances can keep."""
    quantity = _finite_number(value, field, row)
    if quantity <= 0:
        raise InvalidInput(field, value, "must be greater than zero", row)
    return _storable_quantity(quantity, value, field, row)


def non_negative_quantity(value, field: str, row: int | None = None) -> Decimal:
    """A counted quantity: zero or more, and one the balances can keep."""
    quantity = _finite_number(value, field, row)
    if quantity < 0:
        raise InvalidInput(field, value, "must not be negative", row)
    return _storable_quantity(quantity, value, field, row)


def whole_number(value, field: str, reason: str, high: int = MAX_ID) -> int:
    """An id or a correlativo: an int (not a bool) from 1 to ``high``; else ``reason``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= high:
        raise InvalidInput(field, value, reason)
    return value


def positive_amount(value, field: str, row: int | None = None) -> Decimal:
    """An amount of money: more than zero, in whole céntimos, one numeric(14,2) can keep."""
    amount = _finite_number(value, field, row)
    if amount <= 0:
        raise InvalidInput(field, value, "must be positive", row)
    if amount >= MAX_AMOUNT:
        raise InvalidInput(field, value, "is too large for an amount (under 10^12)", row)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, value, "has more than 2 decimals (céntimos)", row)
    return amount


def _storable_quantity(quantity: Decimal, value, field: str, row: int | None) -> Decimal:
    """What numeric(14,3) keeps: under 10^11 (checked first: quantize overflows on 1e30), and
    at most 3 decimals."""
    if quantity >= MAX_QUANTITY:
        raise InvalidInput(field, value, "is too large for a quantity (under 10^11)", row)
    if quantity != quantity.quantize(Decimal("0.001")):
        raise InvalidInput(field, value, "has more than 3 decimals", row)
    return quantity


def _finite_number(value, field: str, row: int | None) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise InvalidInput(field, value, "is not a number", row) from None
    if not number.is_finite():
        raise InvalidInput(field, value, "is not a finite number", row)
    return number


def non_negative_cost(value, field: str, row: int | None = None) -> Decimal:
    """A unit cost: a number, zero or more (a comparison with NaN would raise, unnamed)."""
    cost = _finite_number(value, field, row)
    if cost < 0:
        raise InvalidInput(field, value, "must not be negative", row)
    if cost >= MAX_COST:
        raise InvalidInput(field, value, "is too large for a unit cost (under 10^12)", row)
    return cost
