"""Errors a service raises for bad input: they name what was wrong (row, field, value)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from erp_core.domain.kardex import InsufficientStock

__all__ = [
    "InsufficientStock", "InvalidInput", "NotFound", "OutOfDateOrder", "PeriodClosed"
]  # fmt: skip


class InvalidInput(ValueError):
    """Bad input: names the field, its value and why it is refused."""

    def __init__(self, field: str, value, reason: str, row: int | None = None):
        self.field, self.value, self.reason, self.row = field, value, reason, row
        where = f"row {row}: " if row is not None else ""
        if isinstance(value, Decimal):
            value = str(value)
        super().__init__(f"{where}{field}={value!r}: {reason}")


class NotFound(LookupError):
    """A referenced record (store, product, sale ...) does not exist."""

    def __init__(self, entity: str, key):
        self.entity, self.key = entity, key
        super().__init__(f"{entity} {key!r} not found")


class OutOfDateOrder(InvalidInput):
    """A movement dated before the latest movement of its product in its store.

    The kardex is kept in date order (docs/DECISIONLOG.md, 2026-12-07): a movement may not come
    before one already recorded, or the running balance and the average cost of every row after
    it would be wrong. ``later`` names that movement: operation, document and date.
    """

    def __init__(self, field: str, value, product: str, store: str, later: dict):
        self.product, self.store, self.later = product, store, later
        reason = (
            f"is dated before the latest movement of product {product} in store {store}: "
            f"operation {later['operation']}, document {later['doc_type']} "
            f"{later['serie']}-{later['number']} of {later['date']:%d/%m/%Y}; the kardex is "
            "kept in date order"
        )
        super().__init__(field, value, reason)


class PeriodClosed(InvalidInput):
    """A movement dated in a month whose period is closed."""

    def __init__(self, field: str, value, month: dt.date):
        self.month = month
        reason = (
            f"falls in the closed period {month:%m/%Y}: nothing is posted into a closed month "
            f"(`innovalogix period reopen {month:%m/%Y}` reopens it)"
        )
        super().__init__(field, value, reason)
