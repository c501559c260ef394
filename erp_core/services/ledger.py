"""The valued kardex writer: locks stock balances, values each movement, appends the ledger.

Every stock movement of every service but the sale goes through here, so the rules live in one
place: balances are locked in product order (no deadlocks between operations on the same
products), stock never goes negative, each kardex row carries the running balance after it, a
movement is never dated in a closed month (``services/periods.py``) nor on a day before the
latest movement of its product in its store (the kardex is kept in date order: the balance a
movement leaves is then the balance at its date, and no later row needs re-valuing).
A sale values its lines in the database (``post_sale``, migration 0005), with the same rules
restated in SQL and kept equal by tests/services/test_sale_arithmetic_in_sql.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from erp_core.domain import kardex
from erp_core.domain.kardex import Balance, InsufficientStock, Movement
from erp_core.services.errors import OutOfDateOrder
from erp_core.services.periods import hold_open
from erp_core.timeutil import business_date


def latest_movement(conn: psycopg.Connection, store_id: int, product_id: int, day: dt.date) -> dict:
    """The last kardex row of a product in a store on ``day``, as ``OutOfDateOrder`` names it."""
    row = conn.execute(
        "select operation_type, doc_type, serie, number from kardex "
        "where store_id = %s and product_id = %s and movement_date = %s "
        "order by kardex_id desc limit 1",
        (store_id, product_id, day),
    ).fetchone()
    operation, doc_type, serie, number = row or ("?", "?", "?", 0)
    return {"operation": operation, "doc_type": doc_type, "serie": serie, "number": number,
            "date": day}  # fmt: skip


@dataclass(frozen=True)
class Document:
    """The document behind a movement (SUNAT table 10 type, serie, number) and its source row."""

    doc_type: str
    serie: str
    number: int
    source_table: str
    source_id: int


@dataclass
class StockLedger:
    """Locked balances of one store for the products of one operation."""

    conn: psycopg.Connection
    store_id: int
    store_code: str
    moved_at: dt.datetime
    balances: dict[int, Balance] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    _rows: list[tuple] = field(default_factory=list)

    @classmethod
    def lock(
        cls,
        conn: psycopg.Connection,
        store_id: int,
        store_code: str,
        products: dict[int, str],
        moved_at: dt.datetime,
        field: str = "at",
    ) -> StockLedger:
        """Lock the balances of ``products`` (id -> SKU) in ``store_id``, creating missing rows.

        ``moved_at`` (the operation's ``field``) must fall in an open month and on or after the
        day of each product's latest movement in the store: else ``PeriodClosed`` or
        ``OutOfDateOrder`` naming that movement.
        """
        hold_open(conn, moved_at, field)
        ids = sorted(products)
        query = (
            "select product_id, quantity, unit_cost, total_value, last_movement_at "
            "from stock_balances "
            "where store_id = %s and product_id = any(%s) order by product_id for update"
        )
        rows = conn.execute(query, (store_id, ids)).fetchall()
        if len(rows) < len(ids):  # first movement of a product in this store
            conn.execute(
                "insert into stock_balances (product_id, store_id) "
                "select unnest(%s::bigint[]), %s on conflict do nothing",
                (ids, store_id),
            )
            rows = conn.execute(query, (store_id, ids)).fetchall()
        day = business_date(moved_at)
        for product_id, *_, last in rows:
            if last is not None and business_date(last) > day:
                later = latest_movement(conn, store_id, product_id, business_date(last))
                raise OutOfDateOrder(
                    field, moved_at.isoformat(), products[product_id], store_code, later
                )
        ledger = cls(conn, store_id, store_code, moved_at, labels=dict(products))
        ledger.balances = {pid: Balance(qty, cost, value) for pid, qty, cost, value, _ in rows}
        return ledger

    def quantity(self, product_id: int) -> Decimal:
        return self.balances[product_id].quantity

    def issue(self, product_id: int, quantity, op: str, doc: Document) -> Movement:
        """Goods out at the current weighted-average cost."""
        try:
            movement = kardex.issue(self.balances[product_id], quantity)
        except InsufficientStock as exc:
            raise InsufficientStock(
                self.labels[product_id], self.store_code, exc.stock, exc.requested
            ) from None
        return self._append(product_id, op, doc, movement)

    def receive(self, product_id: int, quantity, unit_cost, op: str, doc: Document) -> Movement:
        """Goods in at a known unit cost (receipts, openings, count surpluses)."""
        movement = kardex.receive(self.balances[product_id], quantity, unit_cost)
        return self._append(product_id, op, doc, movement)

    def receive_value(
        self, product_id: int, quantity, total, op: str, doc: Document, unit_cost=None
    ) -> Movement:
        """Goods in at a known total value (transfers: exactly what left the origin; returns:
        their share of what the sale took out, at the unit cost they left with)."""
        movement = kardex.receive_value(self.balances[product_id], quantity, total, unit_cost)
        return self._append(product_id, op, doc, movement)

    def _append(self, product_id: int, op: str, doc: Document, m: Movement) -> Movement:
        self.balances[product_id] = m.balance
        self._rows.append((product_id, op, doc, m))
        return m

    def _kardex_row(self, product_id: int, op: str, doc: Document, m: Movement) -> tuple:
        b = m.balance
        return (business_date(self.moved_at), self.moved_at, self.store_id, product_id, op,
                doc.doc_type, doc.serie, doc.number, doc.source_table, doc.source_id,
                m.quantity_in, m.unit_cost_in, m.total_in, m.quantity_out, m.unit_cost_out,
                m.total_out, b.quantity, b.unit_cost, b.value)  # fmt: skip

    def flush(self) -> None:
        """Append the kardex rows and write the new balances back, in one statement."""
        if not self._rows:
            return
        rows = [self._kardex_row(*row) for row in self._rows]
        columns = list(zip(*rows, strict=True))
        touched = sorted({row[0] for row in self._rows})
        final = [self.balances[pid] for pid in touched]
        params = {f"k{i}": list(col) for i, col in enumerate(columns)}
        params |= {
            "bp": touched, "bq": [b.quantity for b in final],
            "bc": [b.unit_cost for b in final], "bv": [b.value for b in final],
            "store": self.store_id, "at": self.moved_at,
        }  # fmt: skip
        types = ["date", "timestamptz", "bigint", "bigint", "text", "text", "text", "integer",
                 "text", "bigint"] + ["numeric"] * 9  # fmt: skip
        arrays = ", ".join(f"%(k{i})s::{t}[]" for i, t in enumerate(types))
        self.conn.execute(
            "with kardex_rows as (insert into kardex (movement_date, moved_at, store_id, "
            "product_id, operation_type, doc_type, serie, number, source_table, source_id, "
            "quantity_in, unit_cost_in, total_in, quantity_out, unit_cost_out, total_out, "
            "balance_quantity, balance_unit_cost, balance_value) "
            f"select * from unnest({arrays})) "
            "update stock_balances b set quantity = u.q, unit_cost = u.c, total_value = u.v, "
            "last_movement_at = greatest(b.last_movement_at, %(at)s) "
            "from unnest(%(bp)s::bigint[], %(bq)s::numeric[], "
            "%(bc)s::numeric[], %(bv)s::numeric[]) as u(p, q, c, v) "
            "where b.store_id = %(store)s and b.product_id = u.p",
            params,
        )
        self._rows.clear()
