"""A small hand-made chain written straight into the core tables, for the dbt project's tests.

Amounts and the valued kardex come from the domain rules (``line_amounts``, weighted-average
``receive``/``issue``), so the rows look exactly like what the services write, while every
number stays small enough to check by hand. Two batches: ``load_first_batch`` (1-6 October
2026) and ``load_second_batch`` (a late sale on the 5th, a sale and a return on the 7th), to
exercise the incremental models.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from erp_core.domain import kardex
from erp_core.domain.documents import make_ruc
from erp_core.domain.kardex import Balance, Movement
from erp_core.domain.money import GRAVADO, line_amounts, round_cents, split_igv
from erp_core.timeutil import LIMA

FIRST_DAY = dt.date(2026, 10, 1)
D = Decimal


def day(n: int) -> dt.date:
    """Day n of October 2026."""
    return FIRST_DAY + dt.timedelta(days=n - 1)


@dataclass
class SoldLine:
    sale_line_id: int
    product_id: int
    quantity: Decimal
    line_total: Decimal
    igv_affectation: str
    unit_cost: Decimal


@dataclass
class Sale:
    sale_id: int
    sale_date: dt.date
    store_id: int
    serie: str
    lines: list[SoldLine]


@dataclass
class HandmadeChain:
    conn: psycopg.Connection
    ids: dict[str, int] = field(default_factory=dict)
    balances: dict[tuple[int, int], Balance] = field(default_factory=dict)
    sales: dict[str, Sale] = field(default_factory=dict)
    products: dict[int, tuple[Decimal, str]] = field(default_factory=dict)  # price, affectation
    _clock: itertools.count = field(default_factory=lambda: itertools.count())
    _numbers: dict[str, int] = field(default_factory=dict)

    # -- plumbing -------------------------------------------------------------------------

    def insert(self, table: str, returning: str | None = None, **values):
        columns = ", ".join(values)
        marks = ", ".join(["%s"] * len(values))
        sql = f"insert into {table} ({columns}) values ({marks})"
        if returning:
            sql += f" returning {returning}"
            return self.conn.execute(sql, list(values.values())).fetchone()[0]
        self.conn.execute(sql, list(values.values()))
        return None

    def at(self, on: dt.date) -> dt.datetime:
        """A distinct moment on the business day ``on`` (10:00 Lima plus a minute a call)."""
        base = dt.datetime.combine(on, dt.time(10), tzinfo=LIMA)
        return (base + dt.timedelta(minutes=next(self._clock))).astimezone(dt.UTC)

    def next_number(self, serie: str) -> int:
        self._numbers[serie] = self._numbers.get(serie, 0) + 1
        return self._numbers[serie]

    def move(self, product_id, store_id, op, doc, moved_at, *, qty_in=None, cost_in=None,
             value_in=None, qty_out=None) -> Movement:  # fmt: skip
        """Value one movement with the domain rules and append it to the kardex."""
        balance = self.balances.get((product_id, store_id), Balance())
        if qty_out is not None:
            m = kardex.issue(balance, qty_out)
        elif value_in is not None:
            m = kardex.receive_value(balance, qty_in, value_in)
        else:
            m = kardex.receive(balance, qty_in, cost_in)
        self.balances[(product_id, store_id)] = m.balance
        doc_type, serie, number, source_table, source_id = doc
        b = m.balance
        self.insert(
            "kardex",
            movement_date=moved_at.astimezone(LIMA).date(), moved_at=moved_at,
            store_id=store_id, product_id=product_id, operation_type=op, doc_type=doc_type,
            serie=serie, number=number, source_table=source_table, source_id=source_id,
            quantity_in=m.quantity_in, unit_cost_in=m.unit_cost_in, total_in=m.total_in,
            quantity_out=m.quantity_out, unit_cost_out=m.unit_cost_out, total_out=m.total_out,
            balance_quantity=b.quantity, balance_unit_cost=b.unit_cost, balance_value=b.value,
        )  # fmt: skip
        return m

    def write_stock_balances(self) -> None:
        self.conn.execute("delete from stock_balances")
        for (product_id, store_id), b in self.balances.items():
            self.insert(
                "stock_balances", product_id=product_id, store_id=store_id,
                quantity=b.quantity, unit_cost=b.unit_cost, total_value=b.value,
            )  # fmt: skip

    # -- master data ----------------------------------------------------------------------

    def master_data(self) -> None:
        ids = self.ids
        for key, code, name, dep, region, wh in [
            ("lima", "0001", "Tienda Miraflores", "Lima", "Lima Metropolitana", False),
            ("aqp", "0002", "Tienda Arequipa Centro", "Arequipa", "Sur", False),
            ("wh", "0003", "Almacén central", "Lima", "Lima Metropolitana", True),
        ]:
            ids[key] = self.insert(
                "stores", "store_id", code=code, name=name, department=dep, region=region,
                is_warehouse=wh, opened_on=dt.date(2020, 1, 1),
            )  # fmt: skip
        for key, serie, doc_type in [("lima", "B001", "03"), ("lima", "F001", "01"),
                                     ("aqp", "B002", "03"), ("aqp", "F002", "01")]:  # fmt: skip
            self.insert("comprobante_series", store_id=ids[key], doc_type=doc_type, serie=serie)
        ids["sup_drinks"] = self.insert(
            "suppliers", "supplier_id", ruc=make_ruc("20", 10000001), name="Bebidas del Sur SAC"
        )
        ids["sup_fresh"] = self.insert(
            "suppliers", "supplier_id", ruc=make_ruc("20", 10000002), name="Frescos Andinos SAC"
        )
        ids["dep_groc"] = self.insert("product_departments", "department_id", name="Abarrotes")
        ids["dep_fresh"] = self.insert("product_departments", "department_id", name="Frescos")
        for key, dep, cat, sub in [("gaseosas", "dep_groc", "Bebidas", "Gaseosas"),
                                   ("aguas", "dep_groc", "Bebidas", "Aguas"),
                                   ("leche", "dep_fresh", "Lácteos", "Leche"),
                                   ("frutas", "dep_fresh", "Frutas", "Manzanas")]:  # fmt: skip
            cat_id = self.conn.execute(
                "select category_id from product_categories where department_id = %s and name = %s",
                (ids[dep], cat),
            ).fetchone()
            cat_id = cat_id[0] if cat_id else self.insert(
                "product_categories", "category_id", department_id=ids[dep], name=cat
            )  # fmt: skip
            ids[key] = self.insert(
                "product_subcategories", "subcategory_id", category_id=cat_id, name=sub
            )
        for key, sku, name, sub, sup, price, aff in [
            ("soda", "GAS-500", "Gaseosa 500 ml", "gaseosas", "sup_drinks", "3.54", "10"),
            ("milk", "LEC-1L", "Leche entera 1 L", "leche", "sup_fresh", "4.72", "10"),
            ("apple", "MAN-KG", "Manzana nacional kg", "frutas", "sup_fresh", "2.00", "20"),
            ("water", "AGU-625", "Agua mineral 625 ml", "aguas", "sup_drinks", "1.18", "10"),
        ]:
            ids[key] = self.insert(
                "products", "product_id", sku=sku, name=name, brand="Marca",
                subcategory_id=ids[sub], supplier_id=ids[sup], list_price=D(price),
                igv_affectation=aff,
            )  # fmt: skip
            self.products[ids[key]] = (D(price), aff)
        ids["milk_promo"] = self.insert(
            "promotions", "promotion_id", name="Leche 10 %", product_id=ids["milk"],
            store_id=ids["lima"], discount_pct=D("10"), starts_on=day(1), ends_on=day(2),
        )  # fmt: skip
        # Planned after the history: soda 20 % off in every store, 9-12 October.
        ids["soda_promo"] = self.insert(
            "promotions", "promotion_id", name="Gaseosa 20 %", product_id=ids["soda"],
            store_id=None, discount_pct=D("20"), starts_on=day(9), ends_on=day(12),
        )  # fmt: skip
        for key, doc_type, consent, blocked, business in [
            ("ana", "1", True, False, False),  # DNI, consented to marketing
            ("bodega", "6", False, False, True),  # RUC 20, a business buying with factura
            ("beto", "1", False, True, False),  # blocked after an ARCO cancellation
        ]:
            ids[key] = self.insert(
                "customers", "customer_id", doc_type=doc_type,
                doc_number_enc=b"enc:" + key.encode(), doc_blind_index=b"idx:" + key.encode(),
                pseudonym=f"psd_{key}",
                name_enc=b"enc:name", email_enc=b"enc:mail", phone_enc=b"enc:phone",
                is_business=business, marketing_consent=consent, is_blocked=blocked,
                consent_given_at=self.at(day(1)) if consent else None,
            )  # fmt: skip
        self.insert("customer_consent_events", customer_id=ids["ana"], granted=True)

    # -- operations -----------------------------------------------------------------------

    def order(self, name: str, ordered: dt.date, expected: dt.date, store: str, supplier: str,
              lines, status: str = "received") -> None:  # fmt: skip
        """A purchase order; its receipts name it with ``receive(..., order=name)``."""
        self.ids[name] = self.insert(
            "purchase_orders", "purchase_order_id", supplier_id=self.ids[supplier],
            store_id=self.ids[store], ordered_on=ordered, expected_on=expected, status=status,
        )  # fmt: skip
        for product, qty, cost in lines:
            self.insert(
                "purchase_order_lines", purchase_order_id=self.ids[name],
                product_id=self.ids[product], quantity=D(qty), unit_cost=D(cost),
            )  # fmt: skip

    def receive(self, on: dt.date, store: str, supplier: str, lines, order=None) -> None:
        at = self.at(on)
        number = self.next_number("EG01")
        receipt_id = self.insert(
            "goods_receipts", "goods_receipt_id", supplier_id=self.ids[supplier],
            store_id=self.ids[store], received_at=at, receipt_date=on, serie="EG01", number=number,
            purchase_order_id=self.ids[order] if order else None,
        )  # fmt: skip
        for product, qty, cost in lines:
            self.insert(
                "goods_receipt_lines", goods_receipt_id=receipt_id, product_id=self.ids[product],
                quantity=D(qty), unit_cost=D(cost),
            )  # fmt: skip
            self.move(self.ids[product], self.ids[store], "02",
                      ("09", "EG01", number, "goods_receipts", receipt_id), at,
                      qty_in=D(qty), cost_in=D(cost))  # fmt: skip

    def transfer(self, on: dt.date, source: str, target: str, lines) -> None:
        at = self.at(on)
        number = self.next_number("T001")
        transfer_id = self.insert(
            "transfers", "transfer_id", from_store_id=self.ids[source],
            to_store_id=self.ids[target], dispatched_at=at, dispatch_date=on, received_at=at,
            receipt_date=on,
            status="received", number=number,
        )  # fmt: skip
        doc = ("09", "T001", number, "transfers", transfer_id)
        for product, qty in lines:
            out = self.move(self.ids[product], self.ids[source], "11", doc, at, qty_out=D(qty))
            self.insert(
                "transfer_lines", transfer_id=transfer_id, product_id=self.ids[product],
                quantity=D(qty), unit_cost=out.unit_cost_out, cost_amount=out.total_out,
            )  # fmt: skip
            self.move(self.ids[product], self.ids[target], "21", doc, at,
                      qty_in=D(qty), value_in=out.total_out)  # fmt: skip

    def sell(self, name: str, on: dt.date, store: str, doc_type: str, lines, payments,
             customer: str | None = None) -> Sale:  # fmt: skip
        at = self.at(on)
        serie = {("lima", "03"): "B001", ("lima", "01"): "F001",
                 ("aqp", "03"): "B002", ("aqp", "01"): "F002"}[(store, doc_type)]  # fmt: skip
        number = self.next_number(serie)
        priced = []
        for product, qty, promotion in lines:
            price, aff = self.products[self.ids[product]]
            pct = D(10) if promotion else D(0)
            priced.append((product, D(qty), promotion, aff, line_amounts(price, qty, aff, pct)))
        zero = D("0.00")
        total = sum((a.line_total for *_, a in priced), zero)
        taxable = sum((a.taxable_amount for *_, aff, a in priced if aff == GRAVADO), zero)
        exempt = sum((a.taxable_amount for *_, aff, a in priced if aff != GRAVADO), zero)
        igv = sum((a.igv_amount for *_, a in priced), zero)
        discount = sum((a.discount_amount for *_, a in priced), zero)
        sale_id = self.insert(
            "sales", "sale_id", sale_date=on, sold_at=at, store_id=self.ids[store],
            doc_type=doc_type, serie=serie, number=number,
            customer_id=self.ids[customer] if customer else None, taxable_amount=taxable,
            exempt_amount=exempt, igv_amount=igv, discount_amount=discount, total_amount=total,
        )  # fmt: skip
        self.insert("issued_documents", serie=serie, number=number, doc_type=doc_type, issued_on=on)
        self.conn.execute(
            "update comprobante_series set last_number = %s where serie = %s", (number, serie)
        )
        sold = []
        for line_no, (product, qty, promotion, aff, a) in enumerate(priced, 1):
            product_id = self.ids[product]
            m = self.move(product_id, self.ids[store], "01",
                          (doc_type, serie, number, "sales", sale_id), at, qty_out=qty)  # fmt: skip
            line_id = self.insert(
                "sale_lines", "sale_line_id", sale_id=sale_id, sale_date=on, line_no=line_no,
                store_id=self.ids[store], product_id=product_id, quantity=qty,
                list_price=a.list_price, unit_price=a.unit_price, discount_amount=a.discount_amount,
                promotion_id=self.ids[promotion] if promotion else None, igv_affectation=aff,
                taxable_amount=a.taxable_amount, igv_amount=a.igv_amount, line_total=a.line_total,
                unit_cost=m.unit_cost_out, cost_amount=m.total_out,
            )  # fmt: skip
            sold.append(SoldLine(line_id, product_id, qty, a.line_total, aff, m.unit_cost_out))
        for method, amount in payments:
            self.insert("sale_payments", sale_id=sale_id, sale_date=on, method=method,
                        amount=D(amount))  # fmt: skip
        sale = Sale(sale_id, on, self.ids[store], serie, sold)
        self.sales[name] = sale
        return sale

    def return_goods(self, on: dt.date, sale_name: str, lines, reason="producto fallado") -> None:
        """A nota de crédito at the selling store; goods come back at the cost they left with."""
        sale = self.sales[sale_name]
        at = self.at(on)
        serie = sale.serie[0] + "N0" + sale.serie[-1]
        number = self.next_number(serie)
        return_id = self.insert(
            "returns", "return_id", sale_id=sale.sale_id, sale_date=sale.sale_date,
            return_date=on, returned_at=at, store_id=sale.store_id, serie=serie, number=number,
            reason=reason, taxable_amount=0, exempt_amount=0, igv_amount=0, total_amount=0,
        )  # fmt: skip
        totals = {"taxable": D(0), "exempt": D(0), "igv": D(0), "total": D(0)}
        for line_index, qty in lines:
            line = sale.lines[line_index]
            qty = D(qty)
            refund = round_cents(line.line_total * qty / line.quantity)
            taxable, igv = split_igv(refund, line.igv_affectation)
            m = self.move(line.product_id, sale.store_id, "24",
                          ("07", serie, number, "returns", return_id), at,
                          qty_in=qty, cost_in=line.unit_cost)  # fmt: skip
            self.insert(
                "return_lines", return_id=return_id, sale_line_id=line.sale_line_id,
                product_id=line.product_id, quantity=qty, taxable_amount=taxable, igv_amount=igv,
                line_total=refund, unit_cost=line.unit_cost, cost_amount=m.total_in,
            )  # fmt: skip
            totals["taxable" if line.igv_affectation == GRAVADO else "exempt"] += taxable
            totals["igv"] += igv
            totals["total"] += refund
        self.conn.execute(
            "update returns set taxable_amount = %s, exempt_amount = %s, igv_amount = %s, "
            "total_amount = %s where return_id = %s",
            (totals["taxable"], totals["exempt"], totals["igv"], totals["total"], return_id),
        )

    def adjust(self, on: dt.date, store: str, product: str, delta, reason: str) -> None:
        """A merma (op 13) or a count difference (op 28), valued at the current average cost."""
        at = self.at(on)
        adjustment_id = self.insert(
            "inventory_adjustments", "adjustment_id", store_id=self.ids[store], adjusted_at=at,
            adjustment_date=on, reason=reason,
        )  # fmt: skip
        op = {"merma": "13", "desmedro": "14", "count": "28"}[reason]
        doc = ("00", "AJ01", adjustment_id, "inventory_adjustments", adjustment_id)
        delta = D(delta)
        product_id, store_id = self.ids[product], self.ids[store]
        if delta < 0:
            m = self.move(product_id, store_id, op, doc, at, qty_out=-delta)
            unit_cost, cost = m.unit_cost_out, -m.total_out
        else:
            unit_cost = self.balances[(product_id, store_id)].unit_cost
            m = self.move(product_id, store_id, op, doc, at, qty_in=delta, cost_in=unit_cost)
            cost = m.total_in
        self.insert(
            "inventory_adjustment_lines", adjustment_id=adjustment_id, product_id=product_id,
            quantity_delta=delta, unit_cost=unit_cost, cost_amount=cost,
        )  # fmt: skip


def load_master_data(conn: psycopg.Connection) -> HandmadeChain:
    """Stores, catalogue, promotions and customers only: a chain before its first operation."""
    chain = HandmadeChain(conn)
    with conn.transaction():
        chain.master_data()
    return chain


def load_first_batch(conn: psycopg.Connection, chain: HandmadeChain | None = None) -> HandmadeChain:
    """1-6 October 2026: stock arrives, sells, comes back, runs out and is restocked (after the
    master data, written here unless ``chain`` already holds it)."""
    chain = chain or load_master_data(conn)
    with conn.transaction():
        # Orders: the warehouse's fresh goods (ordered 27/09, due 30/09, 50 of 60 milks came);
        # Arequipa's soda (ordered 28/09, due 1/10, 30 of 40 came, still open); Lima's soda
        # (ordered 1/10, due 3/10); water and soda for the warehouse (5/10, nothing came yet).
        chain.order("po_fresh", day(-3), day(0), "wh", "sup_fresh",
                    [("milk", 60, "3.00"), ("apple", 40, "1.20")])  # fmt: skip
        chain.order("po_aqp", day(-2), day(1), "aqp", "sup_drinks", [("soda", 40, "2.10")],
                    status="open")  # fmt: skip
        chain.order("po_lima", day(1), day(3), "lima", "sup_drinks", [("soda", 20, "2.30")])
        chain.order("po_wh", day(5), day(9), "wh", "sup_drinks",
                    [("water", 24, "0.50"), ("soda", 50, "2.00")], status="open")  # fmt: skip
        # Day 1: the warehouse and Arequipa receive; Lima is stocked from the warehouse.
        chain.receive(day(1), "wh", "sup_drinks", [("soda", 100, "2.00"), ("water", 30, "0.50")])
        chain.receive(day(1), "wh", "sup_fresh", [("milk", 50, "3.00"), ("apple", 40, "1.20")],
                      order="po_fresh")  # fmt: skip
        chain.receive(day(1), "aqp", "sup_drinks", [("soda", 30, "2.10")], order="po_aqp")
        chain.transfer(day(1), "wh", "lima", [("soda", 40), ("milk", 20), ("apple", 20)])
        # Day 2: three tickets; milk on promotion in Lima (10 % off).
        chain.sell("s1", day(2), "lima", "03", [("soda", 3, None), ("apple", 2, None)],
                   [("cash", "14.62")])  # fmt: skip
        chain.sell("s2", day(2), "lima", "03", [("milk", 2, "milk_promo")], [("yape", "8.50")],
                   customer="ana")  # fmt: skip
        chain.sell("s3", day(2), "aqp", "01", [("soda", 10, None)], [("transfer", "35.40")],
                   customer="bodega")  # fmt: skip
        # Day 3: Lima receives soda at a higher cost (new weighted average), then sells.
        chain.receive(day(3), "lima", "sup_drinks", [("soda", 20, "2.30")], order="po_lima")
        chain.sell("s4", day(3), "lima", "03", [("soda", 5, None)],
                   [("card", "10.00"), ("cash", "7.70")], customer="beto")  # fmt: skip
        # Day 4: a soda comes back, a milk is spoiled, the rest of the milk sells out.
        chain.return_goods(day(4), "s1", [(0, 1)])
        chain.adjust(day(4), "lima", "milk", -1, "merma")
        chain.sell("s5", day(4), "lima", "03", [("milk", 17, None)], [("plin", "80.24")])
        # Day 5: Arequipa sells; day 6: Lima's milk restocked, a count finds 2 waters missing.
        chain.sell("s6", day(5), "aqp", "03", [("soda", 5, None)], [("cash", "17.70")])
        chain.transfer(day(6), "wh", "lima", [("milk", 10)])
        chain.adjust(day(6), "wh", "water", -2, "count")
        chain.write_stock_balances()
    return chain


def load_second_batch(chain: HandmadeChain) -> None:
    """A late ticket of the 5th in Arequipa, and on the 7th a milk sale and a soda return."""
    with chain.conn.transaction():
        chain.sell("s7", day(5), "aqp", "03", [("soda", 1, None)], [("cash", "3.54")])
        chain.sell("s8", day(7), "lima", "03", [("milk", 3, None)], [("cash", "14.16")],
                   customer="ana")  # fmt: skip
        chain.return_goods(day(7), "s4", [(0, 1)])
        chain.write_stock_balances()
