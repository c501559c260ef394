"""Supplier costs that drift month by month, and shelf prices that follow them.

Costs follow a random walk per supplier (about 3.6 % inflation a year, with occasional jumps).
On the first of a month a product is repriced when its cost moved more than 4 % since its
price was last set, so margins hold and sale lines show price changes over time. The whole
path is known up front: it depends on the seed only, never on what sold.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from erp_core.demo.catalog import Catalog, shelf_price_cents
from erp_core.domain.money import round_unit_cost

MONTHLY_DRIFT, MONTHLY_NOISE = 0.003, 0.012
JUMP_PROBABILITY, JUMP_SIZE = 0.04, (0.04, 0.10)
REPRICE_THRESHOLD = 0.04


class Pricing:
    def __init__(self, rng: np.random.Generator, catalog: Catalog, months: int):
        steps = rng.normal(MONTHLY_DRIFT, MONTHLY_NOISE, (len(catalog.suppliers), months))
        jumps = rng.random(steps.shape) < JUMP_PROBABILITY
        steps += np.where(jumps, rng.uniform(*JUMP_SIZE, steps.shape), 0.0)
        steps[:, 0] = 0.0
        self.drift = np.exp(np.cumsum(steps, axis=1))  # (suppliers, months)
        self.catalog = catalog
        self.cents = self._price_path(months)  # (months, products) shelf price with IGV
        self._shelf: dict[int, list[Decimal]] = {}

    def _price_path(self, months: int) -> np.ndarray:
        cat = self.catalog
        path = np.empty((months, cat.size), dtype=np.int64)
        current, priced_at = cat.price_cents.copy(), np.ones(cat.size)
        for month in range(months):
            drift = self.drift[cat.supplier, month]
            for p in np.flatnonzero(np.abs(drift / priced_at - 1) > REPRICE_THRESHOLD):
                current[p] = shelf_price_cents(cat.price_cents[p] * drift[p] / 100)
                priced_at[p] = drift[p]
            path[month] = current
        return path

    def shelf(self, month: int) -> list[Decimal]:
        """Shelf prices with IGV in ``month``, as the Decimals the services would read."""
        if month not in self._shelf:
            self._shelf = {month: [cents_to_decimal(c) for c in self.cents[month]]}
        return self._shelf[month]

    def cost(self, p: int, month: int) -> Decimal:
        """Unit cost net of IGV the supplier charges for product ``p`` in ``month`` (4 dp)."""
        value = self.catalog.base_cost[p] * self.drift[self.catalog.supplier[p], month]
        return round_unit_cost(Decimal(f"{value:.4f}"))

    def costs(self, month: int) -> np.ndarray:
        return self.catalog.base_cost * self.drift[self.catalog.supplier, month]


def cents_to_decimal(cents) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
