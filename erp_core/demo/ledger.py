"""The bulk kardex: balances of every product x location, moved only by erp_core.domain.kardex.

It writes the same rows as ``services.ledger.StockLedger`` (one kardex row per movement with the
running balance after it), but keeps every balance in memory instead of locking rows, and
writes ``stock_balances`` once at the end.
"""

from __future__ import annotations

from decimal import Decimal

from erp_core.demo.tables import Tables
from erp_core.domain import kardex
from erp_core.domain.kardex import Balance, Movement

ZERO_BALANCE = Balance(Decimal(0), Decimal(0), Decimal(0))
QUANTITIES = [Decimal(q) for q in range(1000)]


def quantity(q: int) -> Decimal:
    return QUANTITIES[q] if q < 1000 else Decimal(q)


# A movement's document: (SUNAT table 10 type, serie, number, source table, source id).
Document = tuple[str, str, int, str, int]


class Ledger:
    """``onhand[loc][p]`` mirrors each balance's quantity as an int, for fast stock checks."""

    def __init__(self, tables: Tables, locations: int, products: int):
        self.rows = tables.rows["kardex"]
        self._ids = tables
        self.balance = [[ZERO_BALANCE] * products for _ in range(locations)]
        self.onhand = [[0] * products for _ in range(locations)]
        self.last_moved: list[list[str | None]] = [[None] * products for _ in range(locations)]

    def issue(self, loc: int, p: int, qty: int, op: str, doc: Document, at: str) -> Movement:
        """Goods out at the weighted-average cost (raises InsufficientStock like the services)."""
        movement = kardex.issue(self.balance[loc][p], quantity(qty))
        self.onhand[loc][p] -= qty
        return self._append(loc, p, op, doc, at, movement)

    def receive(self, loc: int, p: int, qty: int, unit_cost, op: str, doc: Document, at: str):
        """Goods in at a known unit cost: purchases, openings, count surpluses."""
        movement = kardex.receive(self.balance[loc][p], quantity(qty), unit_cost)
        self.onhand[loc][p] += qty
        return self._append(loc, p, op, doc, at, movement)

    def receive_value(
        self, loc: int, p: int, qty: int, total, op: str, doc: Document, at: str, unit_cost=None
    ):
        """Goods in at a known total: a transfer arrives with exactly the value that left, a
        return with its share of what its sale took out (at the unit cost it left with)."""
        movement = kardex.receive_value(self.balance[loc][p], quantity(qty), total, unit_cost)
        self.onhand[loc][p] += qty
        return self._append(loc, p, op, doc, at, movement)

    def _append(self, loc: int, p: int, op: str, doc: Document, at: str, m: Movement):
        b = m.balance
        self.balance[loc][p] = b
        self.last_moved[loc][p] = at
        self.rows.append(
            (self._ids.new_id("kardex"), at[:10], at, loc + 1, p + 1, op, *doc,
             m.quantity_in, m.unit_cost_in, m.total_in, m.quantity_out, m.unit_cost_out,
             m.total_out, b.quantity, b.unit_cost, b.value)
        )  # fmt: skip
        return m

    def stock_balance_rows(self) -> list[tuple]:
        """One ``stock_balances`` row per product x location that ever moved."""
        return [
            (p + 1, loc + 1, b.quantity, b.unit_cost, b.value, moved[p])
            for loc, (row, moved) in enumerate(zip(self.balance, self.last_moved, strict=True))
            for p, b in enumerate(row)
            if moved[p] is not None
        ]
