"""Master data: stores, suppliers, the product hierarchy, products, series and promotions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg

from erp_core.domain.documents import check_serie, is_valid_ruc
from erp_core.domain.money import round_cents
from erp_core.services.errors import InvalidInput
from erp_core.services.lookups import store_by_code


def create_store(
    conn: psycopg.Connection,
    code: str,
    name: str,
    department: str,
    region: str,
    is_warehouse: bool = False,
    district: str | None = None,
) -> int:
    if len(code) != 4 or not code.isdigit():
        raise InvalidInput("store.code", code, "must be a 4-digit establishment code")
    with conn.transaction():
        return conn.execute(
            "insert into stores (code, name, department, region, district, is_warehouse) "
            "values (%s,%s,%s,%s,%s,%s) returning store_id",
            (code, name, department, region, district, is_warehouse),
        ).fetchone()[0]


def create_supplier(
    conn: psycopg.Connection, ruc: str, name: str, lead_time_days: int = 7, min_order_pen=0
) -> int:
    if not is_valid_ruc(ruc):
        raise InvalidInput("supplier.ruc", ruc, "is not a valid RUC (mod-11 check digit)")
    with conn.transaction():
        return conn.execute(
            "insert into suppliers (ruc, name, lead_time_days, min_order_pen) "
            "values (%s,%s,%s,%s) returning supplier_id",
            (ruc, name, lead_time_days, Decimal(str(min_order_pen))),
        ).fetchone()[0]


def ensure_subcategory(conn: psycopg.Connection, department: str, category: str, sub: str) -> int:
    """The subcategory id for a department → category → subcategory path, created if new."""
    with conn.transaction():
        conn.execute(
            "insert into product_departments (name) values (%s) on conflict do nothing",
            (department,),
        )
        dep = conn.execute(
            "select department_id from product_departments where name = %s", (department,)
        ).fetchone()[0]
        conn.execute(
            "insert into product_categories (department_id, name) values (%s,%s) "
            "on conflict do nothing",
            (dep, category),
        )
        cat = conn.execute(
            "select category_id from product_categories where department_id = %s and name = %s",
            (dep, category),
        ).fetchone()[0]
        conn.execute(
            "insert into product_subcategories (category_id, name) values (%s,%s) "
            "on conflict do nothing",
            (cat, sub),
        )
        return conn.execute(
            "select subcategory_id from product_subcategories where category_id = %s and name = %s",
            (cat, sub),
        ).fetchone()[0]


def create_product(
    conn: psycopg.Connection,
    sku: str,
    name: str,
    brand: str,
    subcategory_id: int,
    supplier_id: int,
    list_price,
    igv_affectation: str = "10",
    pack_size: int = 1,
) -> int:
    price = round_cents(list_price)
    if price <= 0:
        raise InvalidInput("product.list_price", list_price, "must be positive")
    if igv_affectation not in ("10", "20", "30"):
        raise InvalidInput("product.igv_affectation", igv_affectation, "must be 10, 20 or 30")
    with conn.transaction():
        return conn.execute(
            "insert into products (sku, name, brand, subcategory_id, supplier_id, list_price, "
            "igv_affectation, pack_size) values (%s,%s,%s,%s,%s,%s,%s,%s) returning product_id",
            (sku, name, brand, subcategory_id, supplier_id, price, igv_affectation, pack_size),
        ).fetchone()[0]


def create_series(conn: psycopg.Connection, store_code: str, doc_type: str, serie: str) -> int:
    if doc_type in ("01", "03"):
        check_serie(doc_type, serie)
    with conn.transaction():
        store = store_by_code(conn, store_code)
        return conn.execute(
            "insert into comprobante_series (store_id, doc_type, serie) values (%s,%s,%s) "
            "returning series_id",
            (store.store_id, doc_type, serie),
        ).fetchone()[0]


def create_promotion(
    conn: psycopg.Connection,
    name: str,
    product_id: int,
    discount_pct,
    starts_on: dt.date,
    ends_on: dt.date,
    store_id: int | None = None,
) -> int:
    pct = Decimal(str(discount_pct))
    if not 0 < pct < 100:
        raise InvalidInput("promotion.discount_pct", discount_pct, "must be between 0 and 100")
    if ends_on < starts_on:
        raise InvalidInput("promotion.ends_on", ends_on.isoformat(), "is before starts_on")
    with conn.transaction():
        return conn.execute(
            "insert into promotions (name, product_id, store_id, discount_pct, starts_on, "
            "ends_on) values (%s,%s,%s,%s,%s,%s) returning promotion_id",
            (name, product_id, store_id, pct, starts_on, ends_on),
        ).fetchone()[0]
