"""Create the stores and products a file sells in but the core lacks (``--create-missing``).

They are placeholders, marked 'Importado', created through the catalog service so that the
same validation applies; someone completes their names and hierarchy later.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg

from erp_core.domain.documents import BOLETA, FACTURA, NOTA_CREDITO
from erp_core.importer.rows import ImportLine
from erp_core.services import catalog
from erp_core.timeutil import business_date

IMPORTED = "Importado"


def create_stores(
    conn: psycopg.Connection, codes: set[str], lines: list[ImportLine], numbers: dict[str, int]
) -> list:
    """Each store with boleta, factura and credit-note series (``numbers``, planned by
    ``plan_series_numbers``), opened on its first sale day."""
    created = []
    for code in sorted(codes):
        catalog.create_store(conn, code, f"{IMPORTED} {code}", IMPORTED, IMPORTED)
        first_day = min(business_date(x.sold_at) for x in lines if x.store == code)
        conn.execute("update stores set opened_on = %s where code = %s", (first_day, code))
        for doc_type, serie in _series(numbers[code]):
            catalog.create_series(conn, code, doc_type, serie)
        created.append(code)
    return created


def plan_series_numbers(conn: psycopg.Connection, codes: set[str]) -> dict[str, int | None]:
    """Each new store's series number, None where none of 01-99 is left (checked up front, so
    that the store's lines are rejected in the report rather than the import failing)."""
    taken = {row[0] for row in conn.execute("select serie from comprobante_series")}
    plan: dict[str, int | None] = {}
    for code in sorted(codes):
        plan[code] = _free_series_number(code, taken)
        if plan[code] is not None:
            taken |= {serie for _, serie in _series(plan[code])}
    return plan


def _series(n: int) -> list[tuple[str, str]]:
    """Boleta B###, factura F###, and their credit notes BC## and FC## (SUNAT: letter + 3)."""
    return [(BOLETA, f"B{n:03d}"), (FACTURA, f"F{n:03d}"),
            (NOTA_CREDITO, f"BC{n:02d}"), (NOTA_CREDITO, f"FC{n:02d}")]  # fmt: skip


def _free_series_number(code: str, taken: set[str]) -> int | None:
    """The store code's own number if its series are free (0007 → B007), else the first free."""
    own = int(code) % 100
    for n in [own, *range(1, 100)] if own else range(1, 100):
        if not {serie for _, serie in _series(n)} & taken:
            return n
    return None


def create_products(
    conn: psycopg.Connection, skus: set[str], lines: list[ImportLine], supplier_ruc: str
) -> list:
    """Placeholder products under department 'Importado', priced at their first line's price."""
    if not skus:
        return []
    supplier_id = _supplier(conn, supplier_ruc)
    subcategory = catalog.ensure_subcategory(conn, IMPORTED, IMPORTED, IMPORTED)
    prices: dict[str, Decimal] = {}
    for x in lines:
        prices.setdefault(x.sku, x.unit_price)
    for sku in sorted(skus):
        name = f"{IMPORTED} {sku}"
        catalog.create_product(conn, sku, name, IMPORTED, subcategory, supplier_id, prices[sku])
    return sorted(skus)


def _supplier(conn: psycopg.Connection, ruc: str) -> int:
    row = conn.execute("select supplier_id from suppliers where ruc = %s", (ruc,)).fetchone()
    if row:
        return row[0]
    return catalog.create_supplier(conn, ruc, f"Proveedor {IMPORTED.lower()} {ruc}")
