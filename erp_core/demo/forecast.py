"""The buyers' forecast: a deseasonalized demand rate per store x product, learnt from sales.

Buyers know the calendar (the planning index: traffic x seasonality, normalized by how much of
the basket the season takes) and their own promotions, but not the true demand: they learn a
base rate by exponential smoothing of what sold, skipping days when a stockout censored it.
Demand they did not foresee (a promotion that works better than planned, a surprise peak)
runs stores out of stock: those are the lost sales.
"""

from __future__ import annotations

import numpy as np

from erp_core.demo.chain import Chain, rng_for
from erp_core.demo.demand import Demand
from erp_core.demo.promotions import PLANNED_SHARE

ALPHA = 0.05
WARM_UP_DAYS = 28


class Forecast:
    def __init__(self, chain: Chain, demand: Demand):
        self.chain = chain
        self.category = chain.catalog.category
        index = self._planning_index(chain)
        self.index = index
        self.cum = np.vstack([np.zeros(index.shape[1]), np.cumsum(index, axis=0)])
        self.initial, self.lumpiness = self._warm_up(chain, demand)
        listed = chain.catalog.launch_day <= 0
        self.base = self.initial * listed
        promos = chain.promotions
        self.promo_first = np.array([p.first_day for p in promos], dtype=int)
        self.promo_last = np.array([p.last_day for p in promos], dtype=int)
        self.promo_product = np.array([p.product for p in promos], dtype=int)
        self.promo_store = np.array([-1 if p.store is None else p.store for p in promos], dtype=int)
        self.promo_extra = np.array([PLANNED_SHARE * (p.uplift - 1) for p in promos])

    @staticmethod
    def _planning_index(chain: Chain) -> np.ndarray:
        """(days, categories): traffic x seasonality, over the share the season takes of baskets.

        Baskets keep their size, so a category in season crowds the others out a little; the
        divisor ``z`` is that crowding, from popularity and the products' trends.
        """
        cal, cat = chain.calendar, chain.catalog
        days = len(cal.dates)
        z = np.empty(days)
        for d in range(days):
            trend = np.exp(cat.growth * min(d, chain.days) / 365)
            z[d] = np.sum(cat.popularity * trend * cal.season[d, cat.category])
        z /= z[0]
        return cal.traffic[:, None] * cal.season / z[:, None]

    def _warm_up(self, chain: Chain, demand: Demand) -> tuple[np.ndarray, np.ndarray]:
        """Rates (units per index point) and lumpiness, from sampled days with every SKU listed.

        Lumpiness is E[q^2] / E[q] of the quantity per line: a shop that buys whole cases needs
        more safety stock than the same units bought one by one (compound Poisson variance).
        """
        rng, habit_rng = rng_for(chain.seed, 4), rng_for(chain.seed, 4, 1)
        shape = (len(chain.stores), chain.catalog.size)
        units, squares = np.zeros(shape), np.zeros(shape)
        days = min(WARM_UP_DAYS, chain.days)
        for d in range(days):
            plans = demand.plan_day(d, rng, habit_rng, [], everything_listed=True)
            for s, plan in enumerate(plans):
                q = np.array(plan.quantities, dtype=float)
                np.add.at(units[s], plan.products, q)
                np.add.at(squares[s], plan.products, q * q)
        exposure = self.cum[days, self.category] - self.cum[0, self.category]
        return units / exposure, (squares + 1) / (units + 1)

    def expected(self, rates: np.ndarray, first: int, last: int) -> np.ndarray:
        """Units the buyers expect in days ``first`` .. ``last - 1`` at ``rates``."""
        last = min(last, self.cum.shape[0] - 1)
        return rates * (self.cum[last, self.category] - self.cum[first, self.category])

    def promotion_extra(self, rates: np.ndarray, store: int | None, first: int, last: int):
        """Extra units the buyers plan for promotions overlapping ``first`` .. ``last - 1``.

        ``rates`` are one store's rates, or the whole chain's when ``store`` is None.
        """
        extra = np.zeros(self.chain.catalog.size)
        lo = np.maximum(self.promo_first, first)
        hi = np.minimum(self.promo_last + 1, last)
        here = hi > lo
        if store is not None:
            here &= (self.promo_store == -1) | (self.promo_store == store)
        p, cat = self.promo_product[here], self.category[self.promo_product[here]]
        points = self.cum[hi[here], cat] - self.cum[lo[here], cat]
        np.add.at(extra, p, rates[p] * self.promo_extra[here] * points)
        return extra

    def launch(self, day: int) -> None:
        """Products listed today start with the rate the buyers estimated for them."""
        new = self.chain.catalog.launch_day == day
        if day > 0 and new.any():
            self.base[:, new] = self.initial[:, new]

    def learn(self, day: int, sold: np.ndarray, onhand: np.ndarray, planned_uplift: np.ndarray):
        """Smooth today's sales into the base rates; a sold-out day only raises them."""
        observed = sold / (self.index[day, self.category] * planned_uplift)
        catalog = self.chain.catalog
        listed = (catalog.launch_day <= day) & (catalog.delist_day > day)
        learn = listed & ((onhand > 0) | (observed > self.base))
        self.base += np.where(learn, ALPHA * (observed - self.base), 0.0)
        self.base[:, catalog.delist_day <= day] = 0.0
