"""Row buffers for every core table, loaded with COPY in foreign-key order.

Ids are assigned here, in Python, so that rows can reference each other before they reach the
database. COPY writes identity columns as given (like ``OVERRIDING SYSTEM VALUE``); ``finish``
then moves each identity sequence past the largest id.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import psycopg

# Column lists in foreign-key order: a table only references tables listed before it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "stores": ("store_id", "code", "name", "department", "region", "district", "is_warehouse",
               "opened_on"),
    "suppliers": ("supplier_id", "ruc", "name", "lead_time_days", "min_order_pen"),
    "product_departments": ("department_id", "name"),
    "product_categories": ("category_id", "department_id", "name"),
    "product_subcategories": ("subcategory_id", "category_id", "name"),
    "products": ("product_id", "sku", "name", "brand", "subcategory_id", "supplier_id",
                 "unit_of_measure", "list_price", "igv_affectation", "pack_size", "is_active",
                 "created_at", "listed_on", "delisted_on", "min_order_qty"),
    "customers": ("customer_id", "doc_type", "doc_number_enc", "doc_blind_index", "pseudonym",
                  "name_enc", "email_enc", "phone_enc", "is_business", "marketing_consent",
                  "consent_given_at", "consent_revoked_at", "created_at", "updated_at"),
    "customer_consent_events": ("event_id", "customer_id", "purpose", "granted", "recorded_at",
                                "source"),
    "comprobante_series": ("series_id", "store_id", "doc_type", "serie", "last_number"),
    "promotions": ("promotion_id", "name", "product_id", "store_id", "discount_pct", "starts_on",
                   "ends_on"),
    "purchase_orders": ("purchase_order_id", "supplier_id", "store_id", "ordered_on",
                        "expected_on", "status", "created_at"),
    "purchase_order_lines": ("purchase_order_line_id", "purchase_order_id", "product_id",
                             "quantity", "unit_cost"),
    "goods_receipts": ("goods_receipt_id", "purchase_order_id", "supplier_id", "store_id",
                       "received_at", "receipt_date", "doc_type", "serie", "number"),
    "goods_receipt_lines": ("goods_receipt_line_id", "goods_receipt_id", "product_id",
                            "quantity", "unit_cost"),
    "transfers": ("transfer_id", "from_store_id", "to_store_id", "dispatched_at",
                  "dispatch_date", "received_at", "receipt_date", "status", "serie", "number"),
    "transfer_lines": ("transfer_line_id", "transfer_id", "product_id", "quantity", "unit_cost",
                       "cost_amount"),
    "physical_counts": ("physical_count_id", "store_id", "counted_at", "count_date"),
    "physical_count_lines": ("physical_count_line_id", "physical_count_id", "product_id",
                             "system_quantity", "counted_quantity"),
    "inventory_adjustments": ("adjustment_id", "store_id", "adjusted_at", "adjustment_date",
                              "reason", "physical_count_id"),
    "inventory_adjustment_lines": ("adjustment_line_id", "adjustment_id", "product_id",
                                   "quantity_delta", "unit_cost", "cost_amount"),
    "sales": ("sale_id", "sale_date", "sold_at", "store_id", "doc_type", "serie", "number",
              "customer_id", "channel", "taxable_amount", "exempt_amount", "igv_amount",
              "discount_amount", "total_amount"),
    "sale_lines": ("sale_line_id", "sale_id", "sale_date", "line_no", "store_id", "product_id",
                   "quantity", "list_price", "unit_price", "discount_amount", "promotion_id",
                   "igv_affectation", "taxable_amount", "igv_amount", "line_total", "unit_cost",
                   "cost_amount"),
    "sale_payments": ("sale_payment_id", "sale_id", "sale_date", "method", "amount"),
    "returns": ("return_id", "sale_id", "sale_date", "return_date", "returned_at", "store_id",
                "doc_type", "serie", "number", "reason", "taxable_amount", "exempt_amount",
                "igv_amount", "total_amount"),
    "return_lines": ("return_line_id", "return_id", "sale_line_id", "product_id", "quantity",
                     "taxable_amount", "igv_amount", "line_total", "unit_cost", "cost_amount"),
    "issued_documents": ("serie", "number", "doc_type", "issued_on"),
    "kardex": ("kardex_id", "movement_date", "moved_at", "store_id", "product_id",
               "operation_type", "doc_type", "serie", "number", "source_table", "source_id",
               "quantity_in", "unit_cost_in", "total_in", "quantity_out", "unit_cost_out",
               "total_out", "balance_quantity", "balance_unit_cost", "balance_value"),
    "stock_balances": ("product_id", "store_id", "quantity", "unit_cost", "total_value",
                       "last_movement_at"),
}  # fmt: skip

# Every table the generator writes, emptied by --replace (payment_methods is reference data).
CORE_TABLES = (*COLUMNS, "idempotency_keys")


class Tables:
    """Buffered rows per table; ``flush`` copies them all into the open transaction."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.written: Counter[str] = Counter()
        self._ids: defaultdict[str, itertools.count] = defaultdict(lambda: itertools.count(1))

    def new_id(self, table: str) -> int:
        return next(self._ids[table])

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        """COPY every buffered row, parents before children; buffers are emptied in place."""
        with self.conn.cursor() as cur:
            for table, columns in COLUMNS.items():
                rows = self.rows[table]
                if not rows:
                    continue
                with cur.copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.written[table] += len(rows)
                rows.clear()

    def finish(self) -> None:
        """Move every identity sequence past the ids written, so the services continue there."""
        for table, columns in COLUMNS.items():
            identity = columns[0]
            if not identity.endswith("_id") or table in ("issued_documents", "stock_balances"):
                continue
            self.conn.execute(
                f"select setval(pg_get_serial_sequence('{table}', '{identity}'), "
                f"coalesce(max({identity}), 0) + 1, false) from {table}"
            )
