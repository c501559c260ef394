"""Read-only reports on the core used by the CLI."""

from __future__ import annotations

import psycopg


def has_schema(conn: psycopg.Connection) -> bool:
    """Whether the migrations ran (the stock tables exist)."""
    return conn.execute("select to_regclass('stock_balances') is not null").fetchone()[0]


def stock_by_store(conn: psycopg.Connection) -> list[tuple]:
    """Stock on hand and its value at weighted-average cost, per store."""
    return conn.execute(
        "select s.code, s.name, s.department, count(*) filter (where b.quantity > 0), "
        "coalesce(sum(b.quantity), 0), coalesce(sum(b.total_value), 0), "
        "count(*) filter (where b.quantity = 0) "
        "from stores s left join stock_balances b using (store_id) "
        "group by s.store_id order by s.code"
    ).fetchall()


def core_summary(conn: psycopg.Connection) -> dict[str, int]:
    tables = ["stores", "products", "customers", "sales", "sale_lines", "returns",
              "goods_receipts", "transfers", "kardex"]  # fmt: skip
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
