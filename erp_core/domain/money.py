"""Money and IGV as SUNAT computes them: Decimal, rounded half-up to the cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNIT_COST_STEP = Decimal("0.000001")
QTY_STEP = Decimal("0.001")
UNIT_COST_SHOWN = Decimal("0.0001")
IGV_RATE = Decimal("0.18")
GRAVADO, EXONERADO, INAFECTO = "10", "20", "30"


def to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_cents(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_unit_cost(value) -> Decimal:
    return to_decimal(value).quantize(UNIT_COST_STEP, rounding=ROUND_HALF_UP)


def round_qty(value) -> Decimal:
    return to_decimal(value).quantize(QTY_STEP, rounding=ROUND_HALF_UP)


def format_pen(amount) -> str:
    """Soles as es-PE shows them: ``S/ 1,234.50``."""
    value = round_cents(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}S/ {abs(value):,.2f}"


def format_amount(amount) -> str:
    """Soles without the symbol, for columns headed ``S/``: ``1,234.50``."""
    return f"{round_cents(amount):,.2f}"


def format_unit_cost(amount) -> str:
    """A unit cost to the céntimo's hundredth (the kardex keeps 6 decimals): ``1,345.1491``."""
    return f"{to_decimal(amount).quantize(UNIT_COST_SHOWN, rounding=ROUND_HALF_UP):,f}"


def format_qty(quantity) -> str:
    """Units as es-PE shows them, weighed goods to the gram: ``1,234``, ``2.5``, ``0.125``."""
    return f"{round_qty(quantity).normalize():,f}"


@dataclass(frozen=True)
class LineAmounts:
    """The money of one sale line; prices include IGV as on shelves and boletas."""

    list_price: Decimal
    unit_price: Decimal
    discount_amount: Decimal
    line_total: Decimal
    taxable_amount: Decimal
    igv_amount: Decimal


def line_amounts(
    list_price, quantity, igv_affectation: str = GRAVADO, discount_pct=Decimal(0)
) -> LineAmounts:
    """Price a line: discount the unit price, total it, split out the 18 % IGV.

    The taxable base is the total divided by 1.18 rounded half-up, and IGV is the rest, so that
    base + IGV always equals what the customer pays and IGV is 18 % of the base within a cent.
    """
    list_price = round_cents(list_price)
    quantity = to_decimal(quantity)
    unit_price = round_cents(list_price * (1 - to_decimal(discount_pct) / 100))
    line_total = round_cents(unit_price * quantity)
    discount_amount = round_cents(list_price * quantity) - line_total
    if igv_affectation == GRAVADO:
        taxable = round_cents(line_total / (1 + IGV_RATE))
        igv = line_total - taxable
    elif igv_affectation in (EXONERADO, INAFECTO):
        taxable, igv = line_total, Decimal("0.00")
    else:
        raise ValueError(f"igv_affectation {igv_affectation!r} is not one of 10, 20, 30")
    return LineAmounts(list_price, unit_price, discount_amount, line_total, taxable, igv)


def split_igv(line_total, igv_affectation: str = GRAVADO) -> tuple[Decimal, Decimal]:
    """Taxable base and IGV of an amount that includes IGV."""
    line_total = round_cents(line_total)
    if igv_affectation != GRAVADO:
        return line_total, Decimal("0.00")
    taxable = round_cents(line_total / (1 + IGV_RATE))
    return taxable, line_total - taxable
