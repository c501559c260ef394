"""The sales service's refusals, said in Spanish for the person who fixes the file.

The services raise English, code-level exceptions (``erp_core.services.errors``) and keep doing
so; the importer builds its own text from their fields. A reason it does not know is kept as
it is, inside a Spanish frame, so that nothing the service said is lost.
"""

from __future__ import annotations

from erp_core.domain.kardex import OPERATION_NAMES
from erp_core.domain.money import format_qty
from erp_core.services.errors import (
    InsufficientStock,
    InvalidInput,
    NotFound,
    OutOfDateOrder,
    PeriodClosed,
)

# The fixed reasons of the quantity checks (services/lookups.py), which rows.py runs too.
REASONS = {
    "must be greater than zero": "debe ser mayor que cero",
    "must not be negative": "no debe ser negativo",
    "is too large for a quantity (under 10^11)": (
        "es demasiado grande para una cantidad (menos de 10^11)"
    ),
    "has more than 3 decimals": "tiene más de 3 decimales",
    "is not a number": "no es un número",
    "is not a finite number": "no es un número finito",
    "a factura requires a customer with RUC": "una factura necesita un cliente con RUC",
}
ENTITIES = {"store": "la tienda", "product": "el producto", "customer": "el cliente"}
FRAME = "el servicio de ventas rechaza la venta: {}"


def invalid_input(exc: InvalidInput) -> str:
    known = REASONS.get(exc.reason)
    return known if known is not None else FRAME.format(exc.reason)


def not_found(exc: NotFound) -> str:
    entity = ENTITIES.get(exc.entity)
    return f"no existe {entity} {exc.key}" if entity else FRAME.format(exc)


def insufficient_stock(exc: InsufficientStock) -> str:
    return (
        f"stock insuficiente de {exc.product} en la tienda {exc.store}: "
        f"stock {format_qty(exc.stock)}, se pide {format_qty(exc.requested)}"
    )


def out_of_date_order(exc: OutOfDateOrder) -> str:
    later = exc.later
    operation = f"{later['operation']} {OPERATION_NAMES.get(later['operation'], '')}".strip()
    return (
        f"es anterior al último movimiento de {exc.product} en la tienda {exc.store}: "
        f"{operation}, documento {later['doc_type']} {later['serie']}-{later['number']} del "
        f"{later['date']:%d/%m/%Y} (el kardex se lleva en orden de fecha)"
    )


def period_closed(exc: PeriodClosed) -> str:
    return (
        f"cae en el periodo cerrado {exc.month:%m/%Y}: no se registra nada en un mes cerrado "
        f"(`innovalogix period reopen {exc.month:%m/%Y}` lo reabre)"
    )
