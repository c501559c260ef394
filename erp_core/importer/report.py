"""What an import did: rejected rows with their reasons, and the totals of what was loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason a file line is not imported: the line, the field, its value and why."""

    line: int
    field: str
    value: str
    reason: str

    def message(self) -> str:
        """``field='value': reason``, a long value cut short (a 5,000-character field would
        bury the reason), control characters such as NUL escaped."""
        if len(self.value) <= SHOWN_CHARS:
            return f"{self.field}={self.value!r}: {self.reason}"
        cut = f"{self.value[:SHOWN_CHARS]}…"
        return f"{self.field}={cut!r} ({len(self.value):,} caracteres): {self.reason}"


SHOWN_CHARS = 40  # of a rejected value, in reports and the reject file's reasons


def shown(value) -> str:
    """A file value as the person who wrote the file would recognize it."""
    return "" if value is None else str(value)


@dataclass
class ImportReport:
    rejections: list[Rejection] = field(default_factory=list)
    committed: bool = False
    imported_tickets: int = 0
    imported_lines: int = 0
    already_imported_tickets: int = 0
    total_amount: Decimal = Decimal("0.00")
    created_stores: list[str] = field(default_factory=list)
    created_skus: list[str] = field(default_factory=list)
    opening_balances: int = 0

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({r.line for r in self.rejections})

    def sorted_rejections(self) -> list[Rejection]:
        return sorted(self.rejections, key=lambda r: r.line)
