"""A tiny chain built through the services, for tests that need master data and stock."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from decimal import Decimal

from erp_core.domain.documents import make_ruc
from erp_core.pii import PiiVault
from erp_core.services import catalog
from erp_core.services.customers import CustomerInput, register_customer
from erp_core.services.purchasing import PurchaseLineInput, receive_goods

LIMA_NOON = dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)  # 12:00 in Lima
SUPPLIER_RUC = make_ruc("20", 10000001)


@dataclass
class Chain:
    stores: list[str]
    skus: list[str]
    supplier_ruc: str


def build_chain(conn, n_products: int = 3, price: str = "11.80") -> Chain:
    """Two stores (0001 Lima, 0002 Arequipa) with boleta, factura and credit-note series."""
    catalog.create_store(conn, "0001", "Tienda Miraflores", "Lima", "Lima Metropolitana")
    catalog.create_store(conn, "0002", "Tienda Cayma", "Arequipa", "Sur")
    for code, suffix in (("0001", "001"), ("0002", "002")):
        catalog.create_series(conn, code, "03", "B" + suffix)
        catalog.create_series(conn, code, "01", "F" + suffix)
        catalog.create_series(conn, code, "07", "BC" + suffix[1:])
        catalog.create_series(conn, code, "07", "FC" + suffix[1:])
    supplier = catalog.create_supplier(conn, SUPPLIER_RUC, "Distribuidora Andina SAC", 5)
    sub = catalog.ensure_subcategory(conn, "Abarrotes", "Arroz y menestras", "Arroz")
    skus = [f"SKU{i:04d}" for i in range(1, n_products + 1)]
    for sku in skus:
        catalog.create_product(conn, sku, f"Producto {sku}", "Costeño", sub, supplier, price)
    return Chain(["0001", "0002"], skus, SUPPLIER_RUC)


def guide_number(key: str) -> int:
    """A supplier guía number of its own for each receipt key: a guía is received only once."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 99_999_999 + 1


def stock_up(
    conn, chain: Chain, store: str, sku: str, qty, unit_cost, key: str | None = None, at=None
):
    """A goods receipt, by default the day before ``LIMA_NOON`` (the kardex is kept in date
    order: a receipt after later movements gives its own ``at``)."""
    key = key or f"receipt-{store}-{sku}-{qty}-{unit_cost}-{os.urandom(4).hex()}"
    return receive_goods(
        conn,
        key,
        chain.supplier_ruc,
        store,
        [PurchaseLineInput(sku, Decimal(str(qty)), Decimal(str(unit_cost)))],
        "G001",
        guide_number(key),
        received_at=at or LIMA_NOON - dt.timedelta(days=1),
    )


def insert_customer(conn, doc_type: str = "1", vault: PiiVault | None = None, n: int = 1) -> int:
    """A customer registered through the service (DNI or RUC), with encrypted PII."""
    number = f"{40000000 + n}" if doc_type == "1" else make_ruc("20", 30000000 + n)
    customer = CustomerInput(doc_type, number, f"Cliente {n}", f"cliente{n}@correo.pe",
                             f"98765{n:04d}")  # fmt: skip
    return register_customer(conn, vault or PiiVault.generate(), customer)


def table_activity(conn, table: str) -> tuple[int, int]:
    """(sequential scans, rows updated) of ``table`` so far, this session's counts included."""
    conn.execute("select pg_stat_force_next_flush()")
    conn.commit()  # the backend flushes its counters when it goes idle after a transaction
    return conn.execute(
        "select seq_scan, n_tup_upd from pg_stat_user_tables where relname = %s", (table,)
    ).fetchone()
