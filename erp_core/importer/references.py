"""Check the stores, SKUs and customers a file names against the core, in a few bulk queries.

Unknown stores and SKUs are either rejected or, with ``--create-missing``, planned for creation.
Customers are found by blind index, so the file's documents are never compared in plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import psycopg

from erp_core.importer import masterdata
from erp_core.importer.report import Rejection
from erp_core.importer.rows import ImportLine
from erp_core.pii import PiiVault

NO_CUSTOMER = "no hay ningún cliente registrado con este documento"


@dataclass(frozen=True, slots=True)
class Reference:
    """What a refused file line points to; None where the line's own value was refused.

    A parsed ``ImportLine`` has the same attributes and is checked as it is, so only refused
    rows need this. ``ticket_key`` ties the row to the sale it would have been part of.
    """

    line: int
    store: str | None
    sku: str | None
    doc_type: str | None = None
    customer_doc: str | None = None
    customer_doc_type: str | None = None
    ticket_key: tuple[str, str] | None = None


@dataclass
class References:
    """What the file's lines point to: customer ids, and master data still to create."""

    customer_ids: dict[str, int] = field(default_factory=dict)  # document -> customer_id
    stores_to_create: set[str] = field(default_factory=set)
    store_series_numbers: dict[str, int] = field(default_factory=dict)  # code -> 7 for B007 ...
    skus_to_create: set[str] = field(default_factory=set)


def resolve(
    conn: psycopg.Connection,
    lines: Sequence[ImportLine | Reference],
    create_missing: bool,
    supplier_ruc: str | None,
    vault: Callable[[], PiiVault],
) -> tuple[References, list[Rejection]]:
    refs, rejections = References(), []
    rejections += _stores(conn, lines, create_missing, refs)
    rejections += _products(conn, lines, create_missing, supplier_ruc, refs)
    rejections += _customers(conn, lines, vault, refs)
    return refs, rejections


def _stores(conn, lines: Sequence, create_missing: bool, refs: References) -> list:
    codes = sorted({x.store for x in lines if x.store})
    series: dict[str, set[str]] = {code: set() for code in codes}
    rows = conn.execute(
        "select s.code, cs.doc_type from stores s "
        "left join comprobante_series cs on cs.store_id = s.store_id where s.code = any(%s)",
        (codes,),
    ).fetchall()
    known = {code for code, _ in rows}
    for code, doc_type in rows:
        if doc_type is not None:
            series[code].add(doc_type)
    planned: dict[str, int | None] = {}
    if create_missing:
        planned = masterdata.plan_series_numbers(conn, set(codes) - known)
        refs.stores_to_create = {code for code, n in planned.items() if n is not None}
        refs.store_series_numbers = {code: n for code, n in planned.items() if n is not None}
    rejections = []
    for x in lines:
        if x.store is None:
            continue
        if x.store not in known and create_missing and planned[x.store] is None:
            reason = "no quedan números de serie libres (01-99) para crear esta tienda"
            rejections.append(Rejection(x.line, "store", x.store, reason))
        elif x.store not in known and create_missing:
            continue
        elif x.store not in known:
            reason = "tienda desconocida (use --create-missing para crearla)"
            rejections.append(Rejection(x.line, "store", x.store, reason))
        elif x.doc_type and x.doc_type not in series[x.store]:
            reason = f"la tienda {x.store} no tiene serie de comprobante del tipo {x.doc_type}"
            rejections.append(Rejection(x.line, "doc_type", x.doc_type, reason))
    return rejections


def _products(conn, lines, create_missing: bool, supplier_ruc, refs: References) -> list:
    skus = sorted({x.sku for x in lines if x.sku})
    active = dict(
        conn.execute("select sku, is_active from products where sku = any(%s)", (skus,)).fetchall()
    )
    rejections = []
    for x in lines:
        if x.sku is None:
            continue
        if x.sku in active and not active[x.sku]:
            rejections.append(Rejection(x.line, "sku", x.sku, "el producto está inactivo"))
        elif x.sku in active:
            continue
        elif create_missing and supplier_ruc:
            refs.skus_to_create.add(x.sku)
        else:
            reason = (
                "SKU desconocido (--create-missing necesita --supplier-ruc para crear productos)"
                if create_missing
                else "SKU desconocido (use --create-missing con --supplier-ruc para crearlo)"
            )
            rejections.append(Rejection(x.line, "sku", x.sku, reason))
    return rejections


def _customers(conn, lines, vault: Callable[[], PiiVault], refs: References) -> list:
    documents = {(x.customer_doc_type, x.customer_doc) for x in lines if x.customer_doc}
    if not documents:
        return []
    pii = vault()
    by_index = {bytes(pii.blind_index(t, doc)): doc for t, doc in documents}
    rows = conn.execute(
        "select doc_blind_index, customer_id from customers where doc_blind_index = any(%s)",
        (list(by_index),),
    ).fetchall()
    refs.customer_ids = {by_index[bytes(index)]: customer_id for index, customer_id in rows}
    return [
        Rejection(x.line, "customer_doc", x.customer_doc, NO_CUSTOMER)
        for x in lines
        if x.customer_doc and x.customer_doc not in refs.customer_ids
    ]
