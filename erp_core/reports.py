"""Read-only reports on the core used by the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
from psycopg.rows import namedtuple_row

from erp_core.partitions import add_months
from erp_core.services.errors import NotFound


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


def store_stock(conn: psycopg.Connection, store_code: str, limit: int) -> tuple[list[tuple], int]:
    """A store's stock by product, most valuable first (at most ``limit``), and how many
    products the store has a balance of."""
    rows = conn.execute(
        "select p.sku, p.name, b.quantity, b.unit_cost, b.total_value, b.last_movement_at, "
        "count(*) over () from stock_balances b join products p using (product_id) "
        "where b.store_id = %s order by b.total_value desc, p.sku limit %s",
        (_store_id(conn, store_code), limit),
    ).fetchall()
    return [row[:-1] for row in rows], rows[0][-1] if rows else 0


def product_stock(conn: psycopg.Connection, sku: str) -> list[tuple]:
    """A product's stock in every store that has a balance of it."""
    product_id = _product_id(conn, sku)
    return conn.execute(
        "select s.code, s.name, b.quantity, b.unit_cost, b.total_value, b.last_movement_at "
        "from stock_balances b join stores s using (store_id) where b.product_id = %s "
        "order by s.code",
        (product_id,),
    ).fetchall()


# A kardex row as the CLI shows it: PLE 13.1's columns, in its order, by name.
KARDEX_COLUMNS = (
    "movement_date, operation_type, doc_type, serie, number, quantity_in, unit_cost_in, "
    "total_in, quantity_out, unit_cost_out, total_out, balance_quantity, balance_unit_cost, "
    "balance_value, kardex_id"
)


def kardex_rows(conn: psycopg.Connection, store_code: str, sku: str, limit: int) -> list[tuple]:
    """The last ``limit`` kardex rows of a product in a store, oldest first (PLE 13.1's
    columns: moment, operation, document, in, out, running balance)."""
    store_id, product_id = _store_id(conn, store_code), _product_id(conn, sku)
    with conn.cursor(row_factory=namedtuple_row) as cur:
        return cur.execute(
            f"select * from (select {KARDEX_COLUMNS} from kardex where store_id = %s "
            "and product_id = %s order by kardex_id desc limit %s) k order by kardex_id",
            (store_id, product_id, limit),
        ).fetchall()


def kardex_month(
    conn: psycopg.Connection, store_code: str, sku: str, first: dt.date
) -> tuple[tuple, list[tuple]]:
    """A month of a product's kardex in a store (``first``: the month's first day): the balance
    it opens with (quantity, average cost, value; zeros before the first movement) and its rows,
    as ``kardex_rows`` gives them."""
    store_id, product_id = _store_id(conn, store_code), _product_id(conn, sku)
    opening = conn.execute(
        "select balance_quantity, balance_unit_cost, balance_value from kardex "
        "where store_id = %s and product_id = %s and movement_date < %s "
        "order by kardex_id desc limit 1",
        (store_id, product_id, first),
    ).fetchone()
    with conn.cursor(row_factory=namedtuple_row) as cur:
        rows = cur.execute(
            f"select {KARDEX_COLUMNS} from kardex where store_id = %s and product_id = %s "
            "and movement_date >= %s and movement_date < %s order by kardex_id",
            (store_id, product_id, first, add_months(first, 1)),
        ).fetchall()
    return opening or (Decimal(0), Decimal(0), Decimal(0)), rows


def _store_id(conn: psycopg.Connection, code: str) -> int:
    row = conn.execute("select store_id from stores where code = %s", (code,)).fetchone()
    if row is None:
        raise NotFound("store", code)
    return row[0]


def _product_id(conn: psycopg.Connection, sku: str) -> int:
    row = conn.execute("select product_id from products where sku = %s", (sku,)).fetchone()
    if row is None:
        raise NotFound("product", sku)
    return row[0]


def core_summary(conn: psycopg.Connection) -> dict[str, int]:
    tables = ["stores", "products", "customers", "sales", "sale_lines", "returns",
              "goods_receipts", "transfers", "kardex"]  # fmt: skip
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
