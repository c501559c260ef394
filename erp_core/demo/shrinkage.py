"""Shrinkage: mermas written off at closing time, and physical counts that find differences.

Mermas (kardex 13) hit perishables most; each store counts one department about once a month
(kardex 28 for each difference, up or down). Both are written as the adjustments service does.
"""

from __future__ import annotations

import numpy as np

from erp_core.demo.chain import Chain, rng_for
from erp_core.demo.clock import hours, iso_days, stamp
from erp_core.demo.ledger import Ledger, quantity
from erp_core.demo.tables import Tables
from erp_core.domain.kardex import OP_COUNT_ADJUSTMENT, OP_SHRINKAGE

INTERNAL_DOC, SHRINKAGE_SERIE, COUNT_SERIE = "00", "AJ01", "IF01"
STORE_MERMA_AT, COUNT_AT, WAREHOUSE_MERMA_AT = hours(22), hours(22.5), hours(18)
MERMAS_PER_STORE_DAY, WAREHOUSE_MERMA_CHANCE = 0.35, 0.07
PERISHABLE = ("Frutas y verduras", "Lácteos", "Panetones", "Snacks y golosinas")
PERISHABLE_WEIGHT = 6.0
COUNT_EVERY_DAYS = 30
MISSING_ONE, MISSING_TWO, SURPLUS_ONE = 0.05, 0.02, 0.015


class Shrinkage:
    def __init__(self, chain: Chain, tables: Tables, ledger: Ledger):
        self.chain, self.tables, self.ledger = chain, tables, ledger
        self.rng = rng_for(chain.seed, 7)
        self.days = iso_days(chain.start, chain.days)
        cat = chain.catalog
        perishable = np.isin(np.array(cat.category_names)[cat.category], PERISHABLE)
        self.weight = np.where(perishable, PERISHABLE_WEIGHT, 1.0)
        self.by_department = [
            np.flatnonzero(cat.department == d) for d in range(len(cat.departments))
        ]

    def store_day(self, s: int, day: int) -> None:
        for event in range(int(self.rng.poisson(MERMAS_PER_STORE_DAY))):
            self._merma(s, day, STORE_MERMA_AT + 60 * event, 1 + int(self.rng.poisson(0.8)))
        if (day + 11 * s) % COUNT_EVERY_DAYS == COUNT_EVERY_DAYS - 1:
            department = (day // COUNT_EVERY_DAYS + s) % len(self.by_department)
            self._count(s, day, self.by_department[department])

    def warehouse_day(self, day: int) -> None:
        if self.rng.random() < WAREHOUSE_MERMA_CHANCE:
            self._merma(self.chain.warehouse, day, WAREHOUSE_MERMA_AT, 1 + int(self.rng.poisson(1)))

    def _merma(self, loc: int, day: int, second: int, lines: int) -> None:
        onhand = np.array(self.ledger.onhand[loc])
        weight = self.weight * (onhand > 0)
        if weight.sum() == 0:
            return
        lines = min(lines, int((weight > 0).sum()))
        products = self.rng.choice(len(weight), size=lines, replace=False, p=weight / weight.sum())
        adjustment_id = self._adjustment(loc, day, second, "merma", None)
        at = stamp(self.days[day], second)
        doc = (INTERNAL_DOC, SHRINKAGE_SERIE, adjustment_id, "inventory_adjustments", adjustment_id)
        for p in sorted(products.tolist()):
            q = min(int(onhand[p]), 1 + int(self.rng.random() < 0.3))
            m = self.ledger.issue(loc, p, q, OP_SHRINKAGE, doc, at)
            self._line(adjustment_id, p, -q, m.unit_cost_out, -m.total_out)

    def _count(self, s: int, day: int, products: np.ndarray) -> None:
        """Count a department: every product gets a count line, differences an adjustment."""
        count_id = self.tables.new_id("physical_counts")
        at = stamp(self.days[day], COUNT_AT)
        self.tables.add("physical_counts", (count_id, s + 1, at, self.days[day]))
        adjustment_id = self._adjustment(s, day, COUNT_AT, "count", count_id)
        doc = (INTERNAL_DOC, COUNT_SERIE, count_id, "physical_counts", count_id)
        u = self.rng.random(len(products))
        delta = np.select(
            [
                u < MISSING_ONE,
                u < MISSING_ONE + MISSING_TWO,
                u < MISSING_ONE + MISSING_TWO + SURPLUS_ONE,
            ],
            [-1, -2, 1],
            0,
        )
        for p, d in zip(products.tolist(), delta.tolist(), strict=True):
            system = self.ledger.onhand[s][p]
            counted = max(system + d, 0)
            self.tables.add(
                "physical_count_lines",
                (
                    self.tables.new_id("physical_count_lines"),
                    count_id,
                    p + 1,
                    quantity(system),
                    quantity(counted),
                ),
            )
            if counted > system:
                cost = self.ledger.balance[s][p].unit_cost
                m = self.ledger.receive(s, p, counted - system, cost, OP_COUNT_ADJUSTMENT, doc, at)
                self._line(adjustment_id, p, counted - system, m.unit_cost_in, m.total_in)
            elif counted < system:
                m = self.ledger.issue(s, p, system - counted, OP_COUNT_ADJUSTMENT, doc, at)
                self._line(adjustment_id, p, counted - system, m.unit_cost_out, -m.total_out)

    def _adjustment(self, loc: int, day: int, second: int, reason: str, count_id) -> int:
        adjustment_id = self.tables.new_id("inventory_adjustments")
        self.tables.add(
            "inventory_adjustments",
            (
                adjustment_id,
                loc + 1,
                stamp(self.days[day], second),
                self.days[day],
                reason,
                count_id,
            ),
        )
        return adjustment_id

    def _line(self, adjustment_id: int, p: int, delta: int, unit_cost, cost) -> None:
        self.tables.add(
            "inventory_adjustment_lines",
            (
                self.tables.new_id("inventory_adjustment_lines"),
                adjustment_id,
                p + 1,
                quantity(delta) if delta > 0 else -quantity(-delta),
                unit_cost,
                cost,
            ),
        )
