"""Price promotions: which products, where, when, how deep, and the uplift they cause.

Promotions never overlap for one product, so the service's "best active promotion" is the only
one. The uplift (planted truth) is ``1 + ELASTICITY * discount``: a 20 % discount sells 1.8x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ELASTICITY = 4.0
PLANNED_SHARE = 0.7  # buyers stock up for 70 % of the extra demand a promotion brings
WEEKLY_SHARE = 0.015  # of the catalogue put on promotion each week
STORE_ONLY_SHARE = 0.2
DISCOUNTS = (10, 15, 20, 25, 30, 40)
DISCOUNT_WEIGHTS = (0.2, 0.25, 0.25, 0.15, 0.1, 0.05)
DURATIONS = (4, 7, 7, 14)
PLANNED_DAYS = 56  # promotions already planned for the weeks after the history's last day


@dataclass(frozen=True)
class Promotion:
    product: int
    store: int | None  # None: every store
    discount_pct: int
    first_day: int
    last_day: int

    @property
    def uplift(self) -> float:
        return 1.0 + ELASTICITY * self.discount_pct / 100


def draw_promotions(rng, catalog, stores: int, days: int) -> list[Promotion]:
    free_from = np.zeros(catalog.size, dtype=int)  # first day each product may start again
    return _draw(rng, catalog, stores, days, 0, days, free_from)


def draw_planned_promotions(
    rng, catalog, stores: int, days: int, history: list[Promotion]
) -> list[Promotion]:
    """Promotions the chain has already planned for the ``PLANNED_DAYS`` after the history (day
    ``days`` on): written to the core like any other, but no day of the history sells under
    them. None overlaps a promotion of the history for the same product."""
    free_from = np.zeros(catalog.size, dtype=int)
    for promo in history:
        free_from[promo.product] = max(free_from[promo.product], promo.last_day + 8)
    return _draw(rng, catalog, stores, days, days, days + PLANNED_DAYS, free_from)


def _draw(rng, catalog, stores, days, first_day, end, free_from) -> list[Promotion]:
    """Promotions starting from ``first_day`` and ending before ``end``."""
    eligible = (catalog.launch_day == 0) & (catalog.delist_day > days)
    weights = np.where(eligible, np.sqrt(catalog.popularity), 0.0)
    weights /= weights.sum()
    promotions = []
    per_week = max(1, round(catalog.size * WEEKLY_SHARE))
    for week_start in range(first_day, end, 7):
        for product in rng.choice(catalog.size, size=per_week, replace=False, p=weights):
            first = week_start + int(rng.integers(0, 7))
            last = min(first + int(rng.choice(DURATIONS)) - 1, end - 1)
            if first >= end or first < free_from[product]:
                continue
            store = int(rng.integers(stores)) if rng.random() < STORE_ONLY_SHARE else None
            pct = int(rng.choice(DISCOUNTS, p=DISCOUNT_WEIGHTS))
            promotions.append(Promotion(int(product), store, pct, first, last))
            free_from[product] = last + 8
    return promotions


def by_day(promotions: list[Promotion], days: int) -> list[list[int]]:
    """Indices of the promotions active on each day."""
    active: list[list[int]] = [[] for _ in range(days)]
    for index, promo in enumerate(promotions):
        for day in range(promo.first_day, promo.last_day + 1):
            active[day].append(index)
    return active
