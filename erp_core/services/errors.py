"""Errors a service raises for bad input: they name what was wrong (row, field, value)."""

from __future__ import annotations

from decimal import Decimal

from erp_core.domain.kardex import InsufficientStock

__all__ = ["InsufficientStock", "InvalidInput", "NotFound"]


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
