"""Keeping shelves stocked: opening balances, purchases into the warehouse, transfers out.

Suppliers deliver to the central warehouse (purchase order, then goods receipt with their guía:
kardex 02 at the PO's cost, recomputing the weighted average); stores are replenished on their
review weekdays by transfers (kardex 11 out of the warehouse at its average cost, kardex 21 into
the store with that same value when it arrives, days later). Both use order-up-to policies on
the buyers' forecast. Suppliers are sometimes late or short, and the warehouse allocates
proportionally when it cannot fill every store: stockouts follow.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from erp_core.demo.chain import Chain, rng_for
from erp_core.demo.clock import hours, iso_days, stamp
from erp_core.demo.forecast import Forecast
from erp_core.demo.ledger import Ledger, quantity
from erp_core.demo.pricing import Pricing
from erp_core.demo.tables import Tables
from erp_core.domain.documents import GUIA_REMISION
from erp_core.domain.kardex import OP_OPENING, OP_PURCHASE, OP_TRANSFER_IN, OP_TRANSFER_OUT

OPENING_AT, STORE_RECEIPT_AT = hours(6), hours(7.5)
WAREHOUSE_RECEIPT_AT, DISPATCH_AT, ORDER_AT = hours(9), hours(15), hours(17)
TRANSFER_SERIE = "T001"
INTERNAL_DOC, OPENING_SERIE = "00", "SI01"
SAFETY_Z = 1.0
STORE_CYCLE_DAYS = 7
WAREHOUSE_REVIEW_DAYS, STORE_PIPELINE_DAYS, WAREHOUSE_SAFETY_DAYS = 7, 6, 5
WAREHOUSE_CYCLE_DAYS = 14
BUY_BEFORE_LAUNCH_DAYS = 7  # a new SKU is first ordered its lead time plus this before launch
LATE_SHARE, VERY_LATE_SHARE, SHORT_LINE_SHARE = 0.20, 0.05, 0.04


@dataclass
class Transfer:
    transfer_id: int
    store: int
    dispatched_at: str
    lines: list[tuple[int, int, Decimal, Decimal]]  # product, qty, unit cost, cost amount


@dataclass
class Order:
    order_id: int
    supplier: int
    ordered_on: int
    expected_on: int
    lines: list[tuple[int, int, Decimal, int]]  # product, ordered qty, unit cost, delivered qty
    line_ids: list[int] = field(default_factory=list)


class Replenishment:
    def __init__(
        self, chain: Chain, tables: Tables, ledger: Ledger, pricing: Pricing, forecast: Forecast
    ):
        self.chain, self.tables, self.ledger = chain, tables, ledger
        self.pricing, self.forecast = pricing, forecast
        self.rng = rng_for(chain.seed, 5)
        self.days = iso_days(chain.start, chain.days)
        cat = chain.catalog
        self.display = np.where(cat.price_cents > 100_00, 1, 2)
        self.in_transit = np.zeros((len(chain.stores), cat.size), dtype=np.int64)
        self.on_order = np.zeros(cat.size, dtype=np.int64)
        self.arrivals: defaultdict[tuple[int, int], list[Transfer]] = defaultdict(list)
        self.deliveries: defaultdict[int, list[Order]] = defaultdict(list)
        self.by_supplier = [np.flatnonzero(cat.supplier == k) for k in range(len(cat.suppliers))]
        self.lumpiness = forecast.lumpiness.mean(axis=0)
        self.guide_number = (1000 + self.rng.integers(0, 50_000, len(cat.suppliers))).tolist()

    # -- opening balances ------------------------------------------------------------------
    def open_balances(self) -> None:
        """Saldo inicial (kardex 16) in every store and the warehouse, at start-of-month cost."""
        cat, W = self.chain.catalog, self.chain.warehouse
        listed = cat.launch_day <= 0
        for s in range(len(self.chain.stores)):
            lead, review = self._store_timing(s, 0)
            self._opening(s, np.where(listed, self._store_request(s, 0, lead, review, 0), 0))
        rates = self.forecast.base.sum(axis=0)
        lead = np.array([cat.suppliers[k].lead_time_days for k in cat.supplier])
        cover = np.zeros(cat.size)
        for days in np.unique(lead):
            cover[lead == days] = self.forecast.expected(rates, 0, int(days) + 14)[lead == days]
        wanted = np.ceil(cover / cat.pack) * cat.pack
        self._opening(W, np.where(listed, wanted, 0).astype(np.int64))

    def _opening(self, loc: int, quantities: np.ndarray) -> None:
        adjustment_id = self.tables.new_id("inventory_adjustments")
        at = stamp(self.days[0], OPENING_AT)
        self.tables.add(
            "inventory_adjustments", (adjustment_id, loc + 1, at, self.days[0], "initial", None)
        )
        doc = (INTERNAL_DOC, OPENING_SERIE, adjustment_id, "inventory_adjustments", adjustment_id)
        for p in np.flatnonzero(quantities > 0):
            q = int(quantities[p])
            m = self.ledger.receive(loc, p, q, self.pricing.cost(p, 0), OP_OPENING, doc, at)
            self.tables.add(
                "inventory_adjustment_lines",
                (
                    self.tables.new_id("inventory_adjustment_lines"),
                    adjustment_id,
                    p + 1,
                    quantity(q),
                    m.unit_cost_in,
                    m.total_in,
                ),
            )

    # -- transfers to stores ---------------------------------------------------------------
    def _store_timing(self, s: int, day: int) -> tuple[int, int]:
        store = self.chain.stores[s]
        weekday = self.chain.calendar.dates[day].weekday()
        gaps = [(w - weekday) % 7 or 7 for w in store.review_weekdays]
        return store.transit_days, min(gaps)

    def _store_request(self, s: int, day: int, lead: int, review: int, on_hand) -> np.ndarray:
        """Units to send store ``s`` so it lasts until the next transfer after this one lands."""
        f, rates = self.forecast, self.forecast.base[s]
        until_next = f.expected(rates, day, day + lead + review)
        until_next += f.promotion_extra(rates, s, day, day + lead + review)
        full = f.expected(rates, day, day + lead + review + STORE_CYCLE_DAYS)
        full += f.promotion_extra(rates, s, day, day + lead + review + STORE_CYCLE_DAYS)
        safety = SAFETY_Z * np.sqrt(until_next * f.lumpiness[s]) + self.display
        position = on_hand + self.in_transit[s]
        cat = self.chain.catalog
        listed = (cat.launch_day <= day) & (cat.delist_day > day)
        wanted = np.ceil(full + safety - position)
        return np.where(listed & (position < until_next + safety), wanted, 0).astype(np.int64)

    def dispatch(self, day: int) -> None:
        """Transfers to the stores whose review day is today, shared out if stock is short."""
        weekday = self.chain.calendar.dates[day].weekday()
        stores = [s for s, st in enumerate(self.chain.stores) if weekday in st.review_weekdays]
        if not stores:
            return
        onhand = self.ledger.onhand
        requests = np.array(
            [
                self._store_request(s, day, *self._store_timing(s, day), np.array(onhand[s]))
                for s in stores
            ]
        )
        allocated = share_out(requests, np.array(onhand[self.chain.warehouse]))
        for s, row in zip(stores, allocated, strict=True):
            if row.any():
                self._send(s, day, row)

    def _send(self, s: int, day: int, quantities: np.ndarray) -> None:
        transfer_id = self.tables.new_id("transfers")
        at = stamp(self.days[day], DISPATCH_AT)
        doc = (GUIA_REMISION, TRANSFER_SERIE, transfer_id, "transfers", transfer_id)
        lines = []
        for p in np.flatnonzero(quantities):
            q = int(quantities[p])
            m = self.ledger.issue(self.chain.warehouse, p, q, OP_TRANSFER_OUT, doc, at)
            lines.append((int(p), q, m.unit_cost_out, m.total_out))
            self.in_transit[s, p] += q
        arrival = day + self.chain.stores[s].transit_days
        self.arrivals[(arrival, s)].append(Transfer(transfer_id, s, at, lines))

    def receive_transfers(self, s: int, day: int) -> None:
        """Transfers landing in store ``s`` today: kardex 21 with the value that left."""
        at = stamp(self.days[day], STORE_RECEIPT_AT)
        for transfer in self.arrivals.pop((day, s), []):
            tid = transfer.transfer_id
            doc = (GUIA_REMISION, TRANSFER_SERIE, tid, "transfers", tid)
            for p, q, _cost, amount in transfer.lines:
                self.ledger.receive_value(s, p, q, amount, OP_TRANSFER_IN, doc, at)
                self.in_transit[s, p] -= q
            self._write_transfer(transfer, at)

    def _write_transfer(self, transfer: Transfer, received_at: str | None) -> None:
        tid = transfer.transfer_id
        self.tables.add(
            "transfers",
            (
                tid,
                self.chain.warehouse + 1,
                transfer.store + 1,
                transfer.dispatched_at,
                transfer.dispatched_at[:10],
                received_at,
                received_at and received_at[:10],
                "received" if received_at else "in_transit",
                TRANSFER_SERIE,
                tid,
            ),
        )
        for p, q, cost, amount in transfer.lines:
            self.tables.add(
                "transfer_lines",
                (self.tables.new_id("transfer_lines"), tid, p + 1, quantity(q), cost, amount),
            )

    # -- purchases into the warehouse -------------------------------------------------------
    def order(self, day: int) -> None:
        """Purchase orders to the suppliers whose review weekday is today.

        Buyers look at the whole chain's stock (echelon): warehouse, in transit, on order and
        on the stores' shelves, against the chain's demand until a new order could land.
        """
        weekday = self.chain.calendar.dates[day].weekday()
        suppliers = self.chain.catalog.suppliers
        due = [k for k, s in enumerate(suppliers) if s.review_weekday == weekday]
        if not due:
            return
        cat, f = self.chain.catalog, self.forecast
        rates = np.where(cat.launch_day <= day, f.base.sum(axis=0), f.initial.sum(axis=0))
        onhand = np.array(self.ledger.onhand).sum(axis=0)
        position = onhand + self.on_order + self.in_transit.sum(axis=0)
        for k in due:
            if len(self.by_supplier[k]):
                self._order_from(k, day, rates, position)

    def _order_from(self, k: int, day: int, rates: np.ndarray, position: np.ndarray) -> None:
        cat, f = self.chain.catalog, self.forecast
        lead = cat.suppliers[k].lead_time_days
        horizon = lead + WAREHOUSE_REVIEW_DAYS + STORE_PIPELINE_DAYS + WAREHOUSE_SAFETY_DAYS
        need = f.expected(rates, day, day + horizon)
        need += f.promotion_extra(rates, None, day, day + horizon)
        need += SAFETY_Z * np.sqrt(need * self.lumpiness) + self.display * len(self.chain.stores)
        target = need + f.expected(rates, day + horizon, day + horizon + WAREHOUSE_CYCLE_DAYS)
        buying = (cat.launch_day <= day + lead + BUY_BEFORE_LAUNCH_DAYS) & (
            cat.delist_day > day + lead
        )
        products = self.by_supplier[k]
        pack = cat.pack[products]
        wanted = np.where(
            buying[products] & (position[products] < need[products]),
            np.ceil((target[products] - position[products]) / pack) * pack,
            0,
        )
        if not wanted.any():
            return
        month = int(self.chain.month_of_day[day])
        value = float(wanted @ self.pricing.costs(month)[products])
        minimum = cat.suppliers[k].min_order_pen
        if value < minimum:
            wanted = np.ceil(wanted * (minimum / value) / pack) * pack
        self._place(k, day, lead, month, products[wanted > 0], wanted[wanted > 0].astype(int))

    def _place(self, k: int, day: int, lead: int, month: int, products, quantities) -> None:
        u = self.rng.random()
        delay = 0
        if u < VERY_LATE_SHARE:
            delay = int(self.rng.integers(lead // 2 + 1, lead + 2))
        elif u < VERY_LATE_SHARE + LATE_SHARE:
            delay = int(self.rng.integers(1, 4))
        short = self.rng.random(len(products)) < SHORT_LINE_SHARE
        fill = self.rng.uniform(0.5, 0.9, len(products))
        lines = []
        for p, q, is_short, f in zip(
            products.tolist(), quantities.tolist(), short, fill, strict=True
        ):
            delivered = max(1, int(q * f)) if is_short else q
            lines.append((p, q, self.pricing.cost(p, month), delivered))
            self.on_order[p] += q
        order = Order(self.tables.new_id("purchase_orders"), k, day, day + lead, lines)
        order.line_ids = [self.tables.new_id("purchase_order_lines") for _ in lines]
        self.deliveries[day + lead + delay].append(order)

    def receive_orders(self, day: int) -> None:
        """Goods receipts in the warehouse: kardex 02 at the order's cost."""
        at = stamp(self.days[day], WAREHOUSE_RECEIPT_AT)
        for order in self.deliveries.pop(day, []):
            receipt_id = self.tables.new_id("goods_receipts")
            serie, number = f"T{order.supplier + 101:03d}", self.guide_number[order.supplier]
            self.guide_number[order.supplier] += 1 + int(self.rng.integers(0, 40))
            doc = (GUIA_REMISION, serie, number, "goods_receipts", receipt_id)
            self._write_order(order, "received")
            self.tables.add(
                "goods_receipts",
                (
                    receipt_id,
                    order.order_id,
                    order.supplier + 1,
                    self.chain.warehouse + 1,
                    at,
                    at[:10],
                    GUIA_REMISION,
                    serie,
                    number,
                ),
            )
            for p, q, cost, delivered in order.lines:
                self.ledger.receive(self.chain.warehouse, p, delivered, cost, OP_PURCHASE, doc, at)
                self.on_order[p] -= q
                self.tables.add(
                    "goods_receipt_lines",
                    (
                        self.tables.new_id("goods_receipt_lines"),
                        receipt_id,
                        p + 1,
                        quantity(delivered),
                        cost,
                    ),
                )

    def _write_order(self, order: Order, status: str) -> None:
        supplier = self.chain.catalog.suppliers[order.supplier]
        ordered_on = self.days[order.ordered_on]
        self.tables.add(
            "purchase_orders",
            (
                order.order_id,
                order.supplier + 1,
                self.chain.warehouse + 1,
                ordered_on,
                _add_days(self.chain, order.ordered_on + supplier.lead_time_days),
                status,
                stamp(ordered_on, ORDER_AT),
            ),
        )
        for line_id, (p, q, cost, _) in zip(order.line_ids, order.lines, strict=True):
            self.tables.add(
                "purchase_order_lines", (line_id, order.order_id, p + 1, quantity(q), cost)
            )

    def close(self) -> None:
        """Orders not yet delivered stay open; transfers not yet landed stay in transit."""
        for day in sorted(self.deliveries):
            for order in self.deliveries[day]:
                self._write_order(order, "open")
        for key in sorted(self.arrivals):
            for transfer in self.arrivals[key]:
                self._write_transfer(transfer, None)


def share_out(requests: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Split short stock between stores in proportion to their requests (largest remainder)."""
    total = requests.sum(axis=0)
    ratio = np.where(total > available, available / np.maximum(total, 1), 1.0)
    exact = requests * ratio
    allocated = np.floor(exact).astype(np.int64)
    left = np.where(total > available, available - allocated.sum(axis=0), 0)
    rank = np.argsort(np.argsort(allocated - exact, axis=0, kind="stable"), axis=0, kind="stable")
    return allocated + (rank < left)


def _add_days(chain: Chain, day: int) -> str:
    return (chain.start + dt.timedelta(days=day)).isoformat()
