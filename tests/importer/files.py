"""Write sales files the way another system would export them, and count what the core holds."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ["date", "store", "sku", "quantity", "unit_price", "ticket", "customer_doc",
           "payment_method", "doc_type", "unit_cost"]  # fmt: skip
TABLES = ["stores", "products", "suppliers", "comprobante_series", "sales", "sale_lines",
          "sale_payments", "kardex", "stock_balances", "inventory_adjustments",
          "idempotency_keys", "issued_documents"]  # fmt: skip


def write_csv(path: Path, rows: list[dict], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, columns: dict[str, list], schema: pa.Schema | None = None) -> Path:
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def table_counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def line(date, store, sku, quantity, unit_price, ticket, **optional) -> dict:
    """One file row; optional columns (customer_doc, payment_method, doc_type, unit_cost)."""
    return {"date": date, "store": store, "sku": sku, "quantity": quantity,
            "unit_price": unit_price, "ticket": ticket, **optional}  # fmt: skip
