"""The point of sale: turns a store-day of demand into boletas, facturas and credit notes.

Every row is what ``services.sales.sell`` and ``services.returns.return_sale`` would write: line
money from ``line_amounts`` (IGV per line, half-up), the best active promotion, consecutive
numbers per serie in ``issued_documents``, kardex 01 at the average cost, payments adding up to
the total, and returns (kardex 24) coming back at the cost the goods left with. A line never
sells more than the shelf holds: the rest of the demand is lost.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

import numpy as np

from erp_core.demo.chain import Chain
from erp_core.demo.clock import iso_days, stamp
from erp_core.demo.demand import PAYMENT_METHODS, StoreDayPlan
from erp_core.demo.ledger import Ledger, quantity
from erp_core.demo.pricing import Pricing
from erp_core.demo.profiles import OCASIONAL, PROFILES
from erp_core.demo.tables import Tables
from erp_core.domain.documents import BOLETA, FACTURA, NOTA_CREDITO, RUC
from erp_core.domain.kardex import OP_CUSTOMER_RETURN, OP_SALE
from erp_core.domain.money import GRAVADO, line_amounts, round_cents, split_igv

RETURN_RATE = 0.0105
PARTIAL_RETURN_SHARE = 0.3
SPLIT_PAYMENT_SHARE, SPLIT_PAYMENT_MIN = 0.05, Decimal(20)
IDENTIFY_ABOVE = Decimal("700.00")
RETURN_REASONS = (
    "producto defectuoso",
    "talla o modelo equivocado",
    "cambio de opinión",
    "producto vencido o dañado",
    "devolución del cliente",
)
ZERO_PCT = Decimal(0)
CENTS = Decimal("0.00")


class DueReturn(NamedTuple):
    """A sold line that will come back: when, what, and at what price and cost it left."""

    second: int
    sale_id: int
    sale_date: str
    letter: str  # B or F: the credit note takes the letter of the sale's serie
    sale_line_id: int
    product: int
    sold_quantity: int
    line_total: Decimal
    unit_cost: Decimal
    cost_amount: Decimal
    quantity: int
    reason: str


def series_of(store_number: int) -> dict[str, str]:
    """A store's series: boletas B0nn, facturas F0nn, credit notes BCnn / FCnn."""
    return {
        BOLETA: f"B{store_number:03d}",
        FACTURA: f"F{store_number:03d}",
        "B" + NOTA_CREDITO: f"BC{store_number:02d}",
        "F" + NOTA_CREDITO: f"FC{store_number:02d}",
    }


class PointOfSale:
    def __init__(self, chain: Chain, tables: Tables, ledger: Ledger, pricing: Pricing):
        self.chain, self.tables, self.ledger, self.pricing = chain, tables, ledger, pricing
        self.days = iso_days(chain.start, chain.days)
        cat = chain.catalog
        self.igv = cat.igv
        self.series = [series_of(s + 1) for s in range(len(chain.stores))]
        self.last_number: dict[str, int] = defaultdict(int)
        self.amounts: dict[tuple, object] = {}
        self.due: defaultdict[tuple[int, int], list[DueReturn]] = defaultdict(list)
        self.sold = np.zeros((len(chain.stores), cat.size), dtype=np.int64)
        customers = chain.customers
        self.is_ruc = [t == RUC for t in customers.doc_type]
        occasional = np.flatnonzero(customers.profile == OCASIONAL)
        occasional = occasional[np.argsort(customers.join_day[occasional], kind="stable")]
        self.occasional = occasional.tolist()
        self.occasional_joined = customers.join_day[occasional].tolist()
        self.occasional_leave = chain.habits.leave_day[occasional].tolist()
        self.present: tuple[int, list[int]] = (-1, [])  # occasional customers present on a day
        self.payment_cdf = [_payment_cdf(p.payments) for p in PROFILES]
        self.lost = np.zeros((len(chain.stores), cat.size), dtype=np.int64)
        self.total_sales = CENTS
        self.total_refunds = CENTS

    def run(self, s: int, day: int, plan: StoreDayPlan, discounts: dict[int, tuple]) -> None:
        """Sell the store's tickets in time order, with the day's returns in between."""
        returns = sorted(self.due.pop((day, s), []))
        r = 0
        for t, second in enumerate(plan.seconds):
            while r < len(returns) and returns[r][0] <= second:
                self._return(s, day, returns[r])
                r += 1
            self._ticket(s, day, plan, t, discounts)
        for item in returns[r:]:
            self._return(s, day, item)

    def _ticket(self, s: int, day: int, plan: StoreDayPlan, t: int, discounts) -> None:
        onhand, month = self.ledger.onhand[s], int(self.chain.month_of_day[day])
        shelf, cents = self.pricing.shelf(month), self.pricing.cents[month]
        wanted: dict[int, int] = {}
        first_line: dict[int, int] = {}
        for j in range(plan.offsets[t], plan.offsets[t + 1]):
            p = plan.products[j]
            wanted[p] = wanted.get(p, 0) + plan.quantities[j]
            first_line.setdefault(p, j)
        lines = []
        for p, want in wanted.items():
            q = min(want, onhand[p])
            if q < want:
                self.lost[s, p] += want - q
            if q <= 0:
                continue
            pct, promotion_id = discounts.get(p, (ZERO_PCT, None))
            key = (int(cents[p]), q, self.igv[p], pct)
            amounts = self.amounts.get(key)
            if amounts is None:
                amounts = line_amounts(shelf[p], quantity(q), self.igv[p], pct)
                self.amounts[key] = amounts
            lines.append((p, q, amounts, promotion_id, first_line[p]))
        if lines:
            self._sell(s, day, plan, t, lines)

    def _sell(self, s: int, day: int, plan: StoreDayPlan, t: int, lines: list[tuple]) -> None:
        taxable = exempt = igv = discount = total = CENTS
        for p, _, a, _, _ in lines:
            if self.igv[p] == GRAVADO:
                taxable += a.taxable_amount
            else:
                exempt += a.taxable_amount
            igv += a.igv_amount
            discount += a.discount_amount
            total += a.line_total
        customer = plan.customer[t]
        doc_type = FACTURA if customer >= 0 and self.is_ruc[customer] else BOLETA
        if customer < 0 and total > IDENTIFY_ABOVE:
            customer = self._identify(day, plan.pick_u[t])
        serie = self.series[s][doc_type]
        number = self._next_number(serie, doc_type, day)
        sale_id = self.tables.new_id("sales")
        date, at, store_id = self.days[day], stamp(self.days[day], plan.seconds[t]), s + 1
        doc = (doc_type, serie, number, "sales", sale_id)
        sale_lines = self.tables.rows["sale_lines"]
        sold = self.sold[s]
        for line_no, (p, q, a, promotion_id, j) in enumerate(lines, 1):
            m = self.ledger.issue(s, p, q, OP_SALE, doc, at)
            line_id = self.tables.new_id("sale_lines")
            sale_lines.append(
                (line_id, sale_id, date, line_no, store_id, p + 1, quantity(q), a.list_price,
                 a.unit_price, a.discount_amount, promotion_id, self.igv[p], a.taxable_amount,
                 a.igv_amount, a.line_total, m.unit_cost_out, m.total_out)
            )  # fmt: skip
            sold[p] += q
            if plan.return_u[j] < RETURN_RATE:
                sold_line = (sale_id, date, serie[0], line_id, p, q, a.line_total, m.unit_cost_out,
                             m.total_out)  # fmt: skip
                self._schedule_return(s, day, plan, j, sold_line)
        customer_id = None if customer < 0 else customer + 1
        self.tables.add(
            "sales",
            (sale_id, date, at, store_id, doc_type, serie, number, customer_id, "pos", taxable,
             exempt, igv, discount, total),
        )  # fmt: skip
        self._pay(sale_id, date, plan, t, total)
        self.total_sales += total

    def _identify(self, day: int, u: float) -> int:
        """A walk-in boleta over S/ 700 must name the buyer: an occasional customer gives a DNI.

        Only customers registered on an earlier day (one registering today may do so later)
        and not gone yet (``habits``).
        """
        if self.present[0] != day:
            joined = max(bisect_left(self.occasional_joined, day), 1)
            pairs = zip(self.occasional[:joined], self.occasional_leave[:joined], strict=True)
            present = [c for c, leave in pairs if day < leave] or self.occasional[:joined]
            self.present = (day, present)
        present = self.present[1]
        return present[min(int(u * len(present)), len(present) - 1)]

    def _next_number(self, serie: str, doc_type: str, day: int) -> int:
        self.last_number[serie] += 1
        number = self.last_number[serie]
        self.tables.add("issued_documents", (serie, number, doc_type, self.days[day]))
        return number

    def _pay(self, sale_id: int, date: str, plan: StoreDayPlan, t: int, total: Decimal) -> None:
        methods = self.payment_cdf[plan.profile[t]]
        method = next(m for m, edge in methods if plan.pay_u[t] < edge)
        parts = [(method, total)]
        if plan.split_u[t] < SPLIT_PAYMENT_SHARE and total >= SPLIT_PAYMENT_MIN:
            first = Decimal(int(float(total) * plan.split_frac[t]))
            other = "yape" if method == "cash" else "cash"
            parts = [(method, first), (other, total - first)]
        for method, amount in parts:
            self.tables.add(
                "sale_payments",
                (self.tables.new_id("sale_payments"), sale_id, date, method, amount),
            )

    def _schedule_return(self, s: int, day: int, plan: StoreDayPlan, j: int, sold: tuple):
        when = day + plan.return_after[j]
        if when >= self.chain.days:
            return
        q, part = sold[5], plan.return_part_u[j]
        returned = q
        if q > 1 and part < PARTIAL_RETURN_SHARE:
            returned = 1 + int(part / PARTIAL_RETURN_SHARE * (q - 1))
        reason = RETURN_REASONS[int(plan.return_u[j] / RETURN_RATE * len(RETURN_REASONS))]
        self.due[(when, s)].append(DueReturn(plan.return_second[j], *sold, returned, reason))

    def _return(self, s: int, day: int, due: DueReturn) -> None:
        """A credit note for one returned line; the goods come back at their share of the cost
        the line left with, as ``services/returns.py`` values them."""
        p, q = due.product, due.quantity
        serie = self.series[s][due.letter + NOTA_CREDITO]
        number = self._next_number(serie, NOTA_CREDITO, day)
        return_id = self.tables.new_id("returns")
        at = stamp(self.days[day], due.second)
        refund = round_cents(due.line_total * q / due.sold_quantity)
        taxable, igv = split_igv(refund, self.igv[p])
        doc = (NOTA_CREDITO, serie, number, "returns", return_id)
        cost_back = round_cents(due.cost_amount * q / due.sold_quantity)
        m = self.ledger.receive_value(s, p, q, cost_back, OP_CUSTOMER_RETURN, doc, at,
                                      unit_cost=due.unit_cost)  # fmt: skip
        gravado = self.igv[p] == GRAVADO
        self.tables.add(
            "returns",
            (return_id, due.sale_id, due.sale_date, self.days[day], at, s + 1, NOTA_CREDITO,
             serie, number, due.reason, taxable if gravado else CENTS,
             CENTS if gravado else taxable, igv, refund),
        )  # fmt: skip
        self.tables.add(
            "return_lines",
            (self.tables.new_id("return_lines"), return_id, due.sale_line_id, p + 1, quantity(q),
             taxable, igv, refund, due.unit_cost, m.total_in),
        )  # fmt: skip
        self.total_refunds += refund

    def series_rows(self) -> list[tuple]:
        """``comprobante_series`` with the last number each serie reached."""
        rows = []
        for s, series in enumerate(self.series):
            for key, serie in series.items():
                doc_type = key if key in (BOLETA, FACTURA) else NOTA_CREDITO
                rows.append((len(rows) + 1, s + 1, doc_type, serie, self.last_number[serie]))
        return rows


def _payment_cdf(payments: dict[str, float]) -> list[tuple[str, float]]:
    total = sum(payments.values())
    edges, running = [], 0.0
    for method in PAYMENT_METHODS:
        if method in payments:
            running += payments[method] / total
            edges.append((method, running))
    edges[-1] = (edges[-1][0], 2.0)
    return edges
