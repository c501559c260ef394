"""A small chain written with plain SQL: enough core rows to exercise the extract.

Independent of the demo generator on purpose: the extract tests need exact control over which
days hold sales (to prove that only a new day is reprocessed), and must not change when the
demo data does. Amounts follow the core's rules (IGV split out of the price, header = lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from erp_core.domain.money import line_amounts, round_cents
from erp_core.timeutil import LIMA

PRODUCTS = [
    # sku, name, list price (with IGV), unit cost
    ("SKU-0001", "Arroz Costeño 5 kg", Decimal("24.90"), Decimal("18.20")),
    ("SKU-0002", "Aceite Primor 1 L", Decimal("11.50"), Decimal("8.10")),
    ("SKU-0003", "Leche Gloria 400 g", Decimal("4.20"), Decimal("3.05")),
    ("SKU-0004", "Inca Kola 1.5 L", Decimal("7.50"), Decimal("4.80")),
    ("SKU-0005", "Atún Florida 170 g", Decimal("6.90"), Decimal("4.70")),
    ("SKU-0006", "Cuaderno A4 Justus", Decimal("5.50"), Decimal("3.10")),
]


@dataclass
class Chain:
    store_ids: list[int]
    warehouse_id: int
    product_ids: list[int]
    customer_ids: list[int]
    unit_costs: dict[int, Decimal]
    list_prices: dict[int, Decimal]
    next_number: dict[str, int] = field(default_factory=dict)
    balances: dict[tuple[int, int], tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def selling_stores(self) -> list[int]:
        return [s for s in self.store_ids if s != self.warehouse_id]


def seed_chain(conn: psycopg.Connection) -> Chain:
    """Master data: a central warehouse and two stores, six products, two customers."""
    with conn.transaction():
        stores = conn.execute(
            "insert into stores (code, name, department, region, district, is_warehouse) values "
            "('0000', 'Almacén Central', 'Lima', 'Lima Metropolitana', 'Ate', true), "
            "('0001', 'Tienda Miraflores', 'Lima', 'Lima Metropolitana', 'Miraflores', false), "
            "('0002', 'Tienda Arequipa', 'Arequipa', 'Sur', 'Cercado', false) "
            "returning store_id"
        ).fetchall()
        store_ids = [r[0] for r in stores]
        supplier_id = conn.execute(
            "insert into suppliers (ruc, name, lead_time_days) "
            "values ('20100055237', 'Alicorp S.A.A.', 5) returning supplier_id"
        ).fetchone()[0]
        department_id = conn.execute(
            "insert into product_departments (name) values ('Abarrotes') returning department_id"
        ).fetchone()[0]
        category_id = conn.execute(
            "insert into product_categories (department_id, name) values (%s, 'Básicos') "
            "returning category_id",
            (department_id,),
        ).fetchone()[0]
        subcategory_id = conn.execute(
            "insert into product_subcategories (category_id, name) values (%s, 'Varios') "
            "returning subcategory_id",
            (category_id,),
        ).fetchone()[0]
        product_ids, costs, prices = [], {}, {}
        for sku, name, price, cost in PRODUCTS:
            pid = conn.execute(
                "insert into products (sku, name, brand, subcategory_id, supplier_id, list_price) "
                "values (%s, %s, %s, %s, %s, %s) returning product_id",
                (sku, name, name.split()[1], subcategory_id, supplier_id, price),
            ).fetchone()[0]
            product_ids.append(pid)
            costs[pid], prices[pid] = cost, price
        customer_ids = [
            conn.execute(
                "insert into customers (doc_type, doc_number_enc, doc_blind_index, pseudonym, "
                "name_enc, email_enc, marketing_consent, consent_given_at) "
                "values ('1', %s, %s, %s, %s, %s, %s, %s) returning customer_id",
                (
                    b"enc-doc-%d" % i,
                    b"blind-%d" % i,
                    f"cus_{i:04d}",
                    b"enc-name-%d" % i,
                    b"enc-mail-%d" % i,
                    i == 1,
                    dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC) if i == 1 else None,
                ),
            ).fetchone()[0]
            for i in (1, 2)
        ]
        for store_id, serie in zip(store_ids[1:], ("B001", "B002"), strict=True):
            conn.execute(
                "insert into comprobante_series (store_id, doc_type, serie) values (%s, '03', %s)",
                (store_id, serie),
            )
    return Chain(
        store_ids=store_ids,
        warehouse_id=store_ids[0],
        product_ids=product_ids,
        customer_ids=customer_ids,
        unit_costs=costs,
        list_prices=prices,
    )


def _number(chain: Chain, serie: str) -> int:
    chain.next_number[serie] = chain.next_number.get(serie, 0) + 1
    return chain.next_number[serie]


def add_sales_day(
    conn: psycopg.Connection, chain: Chain, day: dt.date, sales_per_store: int = 4
) -> None:
    """Sales of one business day in every store: header, two lines, a payment, kardex rows."""
    with conn.transaction():
        for s, store_id in enumerate(chain.selling_stores):
            serie = f"B00{s + 1}"
            for k in range(sales_per_store):
                sold_at = dt.datetime.combine(day, dt.time(10 + k % 10, 5 * k % 60), tzinfo=LIMA)
                lines = []
                for line_no in (1, 2):
                    pid = chain.product_ids[(k + line_no + s) % len(chain.product_ids)]
                    qty = Decimal(1 + (k + line_no) % 3)
                    amounts = line_amounts(chain.list_prices[pid], qty)
                    lines.append((line_no, pid, qty, amounts))
                taxable = sum(a.taxable_amount for *_, a in lines)
                igv = sum(a.igv_amount for *_, a in lines)
                total = sum(a.line_total for *_, a in lines)
                number = _number(chain, serie)
                customer_id = chain.customer_ids[k % 2] if k % 3 == 0 else None
                sale_id = conn.execute(
                    "insert into sales (sale_date, sold_at, store_id, doc_type, serie, number, "
                    "customer_id, taxable_amount, igv_amount, total_amount) "
                    "values (%s, %s, %s, '03', %s, %s, %s, %s, %s, %s) returning sale_id",
                    (day, sold_at, store_id, serie, number, customer_id, taxable, igv, total),
                ).fetchone()[0]
                conn.execute(
                    "insert into issued_documents (serie, number, doc_type, issued_on) "
                    "values (%s, %s, '03', %s)",
                    (serie, number, day),
                )
                conn.execute(
                    "insert into sale_payments (sale_id, sale_date, method, amount) "
                    "values (%s, %s, %s, %s)",
                    (sale_id, day, ("cash", "yape", "card")[k % 3], total),
                )
                for line_no, pid, qty, a in lines:
                    cost = chain.unit_costs[pid]
                    line_id = conn.execute(
                        "insert into sale_lines (sale_id, sale_date, line_no, store_id, "
                        "product_id, quantity, list_price, unit_price, discount_amount, "
                        "igv_affectation, taxable_amount, igv_amount, line_total, unit_cost, "
                        "cost_amount) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, '10', %s, %s, "
                        "%s, %s, %s) returning sale_line_id",
                        (
                            sale_id,
                            day,
                            line_no,
                            store_id,
                            pid,
                            qty,
                            a.list_price,
                            a.unit_price,
                            a.discount_amount,
                            a.taxable_amount,
                            a.igv_amount,
                            a.line_total,
                            cost,
                            round_cents(cost * qty),
                        ),
                    ).fetchone()[0]
                    _move(
                        conn,
                        chain,
                        sold_at,
                        store_id,
                        pid,
                        ("01", "03", serie, number, "sale_lines", line_id),
                        qty_out=qty,
                    )


def add_receipt(conn: psycopg.Connection, chain: Chain, day: dt.date) -> None:
    """A goods receipt into the central warehouse: header, lines and kardex entries."""
    received_at = dt.datetime.combine(day, dt.time(8), tzinfo=LIMA)
    with conn.transaction():
        supplier_id = conn.execute("select min(supplier_id) from suppliers").fetchone()[0]
        receipt_id = conn.execute(
            "insert into goods_receipts (supplier_id, store_id, received_at, receipt_date, "
            "serie, number) values (%s, %s, %s, %s, 'EG01', %s) returning goods_receipt_id",
            (supplier_id, chain.warehouse_id, received_at, day, day.toordinal() % 100000),
        ).fetchone()[0]
        for pid in chain.product_ids:
            cost = chain.unit_costs[pid]
            line_id = conn.execute(
                "insert into goods_receipt_lines (goods_receipt_id, product_id, quantity, "
                "unit_cost) values (%s, %s, 50, %s) returning goods_receipt_line_id",
                (receipt_id, pid, cost),
            ).fetchone()[0]
            _move(
                conn,
                chain,
                received_at,
                chain.warehouse_id,
                pid,
                ("02", "09", "EG01", day.toordinal() % 100000, "goods_receipt_lines", line_id),
                qty_in=Decimal(50),
            )


def add_opening_stock(conn: psycopg.Connection, chain: Chain, day: dt.date) -> None:
    """Initial balances (table 12 operation 16) of every product in every selling store."""
    adjusted_at = dt.datetime.combine(day, dt.time(7), tzinfo=LIMA)
    with conn.transaction():
        for store_id in chain.selling_stores:
            adjustment_id = conn.execute(
                "insert into inventory_adjustments (store_id, adjusted_at, adjustment_date, "
                "reason) values (%s, %s, %s, 'initial') returning adjustment_id",
                (store_id, adjusted_at, day),
            ).fetchone()[0]
            for pid in chain.product_ids:
                cost = chain.unit_costs[pid]
                line_id = conn.execute(
                    "insert into inventory_adjustment_lines (adjustment_id, product_id, "
                    "quantity_delta, unit_cost, cost_amount) values (%s, %s, 500, %s, %s) "
                    "returning adjustment_line_id",
                    (adjustment_id, pid, cost, round_cents(cost * 500)),
                ).fetchone()[0]
                _move(
                    conn,
                    chain,
                    adjusted_at,
                    store_id,
                    pid,
                    ("16", "00", "AJ01", adjustment_id, "inventory_adjustment_lines", line_id),
                    qty_in=Decimal(500),
                )


def _move(
    conn: psycopg.Connection,
    chain: Chain,
    moved_at: dt.datetime,
    store_id: int,
    product_id: int,
    document: tuple[str, str, str, int, str, int],
    qty_in: Decimal = Decimal(0),
    qty_out: Decimal = Decimal(0),
) -> None:
    """One kardex row with its running balance, and the stock balance it leaves."""
    operation, doc_type, serie, number, source_table, source_id = document
    cost = chain.unit_costs[product_id]
    total_in, total_out = round_cents(cost * qty_in), round_cents(cost * qty_out)
    quantity, value = chain.balances.get((store_id, product_id), (Decimal(0), Decimal(0)))
    quantity, value = quantity + qty_in - qty_out, value + total_in - total_out
    chain.balances[(store_id, product_id)] = (quantity, value)
    conn.execute(
        "insert into kardex (movement_date, moved_at, store_id, product_id, operation_type, "
        "doc_type, serie, number, source_table, source_id, quantity_in, unit_cost_in, total_in, "
        "quantity_out, unit_cost_out, total_out, balance_quantity, balance_unit_cost, "
        "balance_value) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "%s, %s, %s)",
        (
            moved_at.astimezone(LIMA).date(),
            moved_at,
            store_id,
            product_id,
            operation,
            doc_type,
            serie,
            number,
            source_table,
            source_id,
            qty_in,
            cost if qty_in else 0,
            total_in,
            qty_out,
            cost if qty_out else 0,
            total_out,
            quantity,
            cost,
            value,
        ),
    )
    conn.execute(
        "insert into stock_balances (product_id, store_id, quantity, unit_cost, total_value, "
        "last_movement_at) values (%s, %s, %s, %s, %s, %s) on conflict (product_id, store_id) "
        "do update set quantity = excluded.quantity, unit_cost = excluded.unit_cost, "
        "total_value = excluded.total_value, last_movement_at = excluded.last_movement_at",
        (product_id, store_id, quantity, cost, value, moved_at),
    )


def build_chain(conn: psycopg.Connection, days: list[dt.date]) -> Chain:
    """Master data, a receipt on the first day and sales on every day of ``days``."""
    chain = seed_chain(conn)
    add_opening_stock(conn, chain, days[0])
    add_receipt(conn, chain, days[0])
    for day in days:
        add_sales_day(conn, chain, day)
    return chain


def recent_days(n: int, end: dt.date | None = None) -> list[dt.date]:
    """``n`` consecutive days ending ``end`` (default: a week ago, inside the partitions)."""
    end = end or dt.date.today() - dt.timedelta(days=7)
    return [end - dt.timedelta(days=n - 1 - i) for i in range(n)]
