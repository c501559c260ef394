"""Weighted-average valuation of the kardex (PLE 13.1), one product x store at a time.

The balance value is the ledger's truth (2 decimals); the unit cost is value / quantity rounded
to 6 decimals. An outflow leaves at the current unit cost, except the one that empties the
balance, which takes the remaining value so that rounding never leaves value without stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from erp_core.domain.money import round_cents, round_unit_cost, to_decimal

ZERO = Decimal(0)

# SUNAT table 12 operation types a retailer uses.
OP_SALE = "01"
OP_PURCHASE = "02"
OP_TRANSFER_OUT = "11"
OP_SHRINKAGE = "13"
OP_DAMAGE = "14"
OP_OPENING = "16"
OP_TRANSFER_IN = "21"
OP_CUSTOMER_RETURN = "24"
OP_RETURN_TO_SUPPLIER = "25"
OP_COUNT_ADJUSTMENT = "28"
OPERATION_NAMES = {  # as SUNAT names them, for people reading the kardex
    OP_SALE: "venta nacional",
    OP_PURCHASE: "compra nacional",
    OP_TRANSFER_OUT: "salida por transferencia entre almacenes",
    OP_SHRINKAGE: "mermas",
    OP_DAMAGE: "desmedros",
    OP_OPENING: "saldo inicial",
    OP_TRANSFER_IN: "entrada por transferencia entre almacenes",
    OP_CUSTOMER_RETURN: "entrada por devolución del cliente",
    OP_RETURN_TO_SUPPLIER: "salida por devolución al proveedor",
    OP_COUNT_ADJUSTMENT: "ajuste por diferencia de inventario",
}


def _plain(quantity: Decimal) -> str:
    return f"{Decimal(quantity).normalize():f}"


class InsufficientStock(Exception):
    """A movement would take stock below zero."""

    def __init__(self, product: str, store: str, stock: Decimal, requested: Decimal):
        self.product, self.store, self.stock, self.requested = product, store, stock, requested
        super().__init__(
            f"insufficient stock of product {product} in store {store}: "
            f"stock {_plain(stock)}, requested {_plain(requested)}"
        )


@dataclass(frozen=True)
class Balance:
    quantity: Decimal = ZERO
    unit_cost: Decimal = ZERO
    value: Decimal = ZERO


@dataclass(frozen=True)
class Movement:
    """One kardex row's valued quantities and the balance after it."""

    quantity_in: Decimal
    unit_cost_in: Decimal
    total_in: Decimal
    quantity_out: Decimal
    unit_cost_out: Decimal
    total_out: Decimal
    balance: Balance


def _balance(quantity: Decimal, value: Decimal, fallback_cost: Decimal) -> Balance:
    if quantity == 0:
        return Balance(ZERO, fallback_cost, ZERO)
    return Balance(quantity, round_unit_cost(value / quantity), value)


def receive(balance: Balance, quantity, unit_cost) -> Movement:
    """Goods in at a known cost: the new average is (value + receipt) / (qty + receipt qty)."""
    quantity, unit_cost = to_decimal(quantity), round_unit_cost(unit_cost)
    if quantity <= 0:
        raise ValueError(f"quantity in must be positive, got {quantity}")
    total = round_cents(quantity * unit_cost)
    new_qty = balance.quantity + quantity
    new_value = balance.value + total
    after = _balance(new_qty, new_value, unit_cost)
    return Movement(quantity, unit_cost, total, ZERO, ZERO, ZERO, after)


def receive_value(balance: Balance, quantity, total, unit_cost=None) -> Movement:
    """Goods in at a known total value (a transfer arrives with exactly what left the origin).

    ``unit_cost`` states the movement's unit cost when it is known apart from the total (a
    return: the cost the goods left with, while the total is its share of what the sale took
    out); by default total / quantity.
    """
    quantity, total = to_decimal(quantity), round_cents(total)
    if quantity <= 0:
        raise ValueError(f"quantity in must be positive, got {quantity}")
    unit_cost = round_unit_cost(total / quantity if unit_cost is None else unit_cost)
    after = _balance(balance.quantity + quantity, balance.value + total, unit_cost)
    return Movement(quantity, unit_cost, total, ZERO, ZERO, ZERO, after)


def issue(balance: Balance, quantity, product: str = "?", store: str = "?") -> Movement:
    """Goods out at the current average cost; refused if stock would go negative."""
    quantity = to_decimal(quantity)
    if quantity <= 0:
        raise ValueError(f"quantity out must be positive, got {quantity}")
    if quantity > balance.quantity:
        raise InsufficientStock(product, store, balance.quantity, quantity)
    if quantity == balance.quantity:
        total = balance.value
    else:
        total = round_cents(quantity * balance.unit_cost)
    new_qty = balance.quantity - quantity
    after = _balance(new_qty, balance.value - total, balance.unit_cost)
    return Movement(ZERO, ZERO, ZERO, quantity, balance.unit_cost, total, after)


def issue_at_cost(balance: Balance, quantity, unit_cost) -> Movement:
    """Goods out at a given cost (return to supplier at what they cost)."""
    quantity, unit_cost = to_decimal(quantity), round_unit_cost(unit_cost)
    if quantity > balance.quantity:
        raise InsufficientStock("?", "?", balance.quantity, quantity)
    total = balance.value if quantity == balance.quantity else round_cents(quantity * unit_cost)
    total = min(total, balance.value)
    after = _balance(balance.quantity - quantity, balance.value - total, balance.unit_cost)
    return Movement(ZERO, ZERO, ZERO, quantity, unit_cost, total, after)
