"""What customers come to buy each day in each store: tickets, baskets and quantities.

Vectorized with numpy per store-day. A product's chance to be in a basket is its popularity
times its trend, the calendar's seasonality for its category, the store's climate, an active
promotion's uplift and the customer profile's preference; an identified customer takes a share
of the lines from their own staples instead (``habits``) and stops coming on their leave day;
planted complements join their partner in the basket with a fixed probability. This is demand:
the point of sale then sells only what is on the shelf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from erp_core.demo.chain import Chain, visits_per_day
from erp_core.demo.clock import hours
from erp_core.demo.habits import staple_lines
from erp_core.demo.profiles import PROFILES

PAYMENT_METHODS = ("cash", "card", "yape", "plin", "transfer")
OPEN_HOURS = np.arange(9, 22)  # tickets from 09:00 to 21:59
HOUR_WEIGHTS = np.array([0.5, 0.8, 1.0, 1.2, 1.1, 0.9, 0.8, 0.9, 1.1, 1.3, 1.3, 1.0, 0.6])
QTY_VALUES, QTY_WEIGHTS = np.array([1, 2, 3, 4, 6]), np.array([0.72, 0.18, 0.06, 0.025, 0.015])
HOME_STORE_SHARE = 0.85
MAX_LINES = 40
CLEARANCE_DAYS = 30  # customers stop asking for a delisted product a month after


@dataclass
class StoreDayPlan:
    """One store-day of demand, tickets sorted by time; ``offsets`` delimit each basket."""

    seconds: list[int]
    customer: list[int]  # customer index, -1 for a walk-in
    profile: list[int]
    offsets: list[int]
    products: list[int]
    quantities: list[int]
    pay_u: list[float]  # payment method draw
    split_u: list[float]  # below the split share: paid with two methods
    split_frac: list[float]
    pick_u: list[float]  # which customer identifies a large walk-in boleta
    return_u: list[float]  # per line: returned when below the return rate
    return_after: list[int]  # days until the return
    return_second: list[int]
    return_part_u: list[float]  # partial return draw


class Demand:
    def __init__(self, chain: Chain):
        self.chain = chain
        cat = chain.catalog
        self.category = cat.category
        self.partner = np.full(cat.size, -1)
        self.attach = np.zeros(cat.size)
        for pair in cat.pairs:
            self.partner[pair.first] = pair.second
            self.attach[pair.first] = pair.attach_probability
        self.expensive = cat.price_cents > 100_00
        self.bulk_case = (cat.pack > 1) & ~self.expensive
        self.pack = cat.pack
        customers = chain.customers
        self.customer_rate = np.array([visits_per_day(g) for g in customers.profile])
        self.profile_day = _profile_day_factors(chain)
        shares = chain.store_sizes / chain.store_sizes.sum()
        self.store_cdf = np.cumsum(shares)
        self.hour_cdf = np.cumsum(HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        self.qty_cdf = np.cumsum(QTY_WEIGHTS)
        self.basket = np.array([p.basket_lines for p in PROFILES])
        self.bulk_profile = np.array([p.bulk for p in PROFILES])

    def weights(self, day: int, everything_listed: bool = False) -> np.ndarray:
        """Store-independent weight of each product today (0 before launch, after clearance)."""
        return self.chain.catalog.popularity * self._today(day, CLEARANCE_DAYS, everything_listed)

    def _today(self, day: int, asked_after_delisting: int, everything_listed: bool) -> np.ndarray:
        """Each product's trend × season today; 0 before its launch and from
        ``asked_after_delisting`` days after its delisting on."""
        cat = self.chain.catalog
        trend = np.exp(cat.growth * day / 365)
        on_sale = (cat.launch_day <= day) & (day < cat.delist_day + asked_after_delisting)
        if everything_listed:
            on_sale = True
        return trend * self.chain.calendar.season[day, self.category] * on_sale

    def uplift(self, day: int, active: list[int]) -> np.ndarray:
        """(stores, products) demand multiplier of the promotions active today."""
        up = np.ones((len(self.chain.stores), self.chain.catalog.size))
        for index in active:
            promo = self.chain.promotions[index]
            rows = slice(None) if promo.store is None else promo.store
            up[rows, promo.product] *= promo.uplift
        return up

    def plan_day(
        self,
        day: int,
        rng: np.random.Generator,
        habit_rng: np.random.Generator,
        active: list[int],
        everything_listed=False,
    ) -> list[StoreDayPlan]:
        """``habit_rng`` draws the staple lines only, so ``rng`` draws what it drew before."""
        common = self.weights(day, everything_listed)
        uplift = self.uplift(day, active)
        # What a staple line weighs today: never a product no longer listed.
        per_popularity = self._today(day, 0, everything_listed)
        visitors = self._visitors(day, rng)
        plans = []
        for s, store in enumerate(self.chain.stores):
            expected = self.chain.walk_in_rate * store.size * self.chain.calendar.traffic[day]
            walk_ins = int(rng.poisson(expected))
            idents = visitors[s]
            customer = np.concatenate([np.full(walk_ins, -1), idents])
            profile = np.concatenate(
                [np.zeros(walk_ins, dtype=int), self.chain.customers.profile[idents]]
            )
            w_store = common * self.chain.climate[s] * uplift[s]
            today = per_popularity * self.chain.climate[s] * uplift[s]
            plans.append(self._store_plan(rng, habit_rng, customer, profile, w_store, today))
        return plans

    def _visitors(self, day: int, rng) -> list[np.ndarray]:
        customers = self.chain.customers
        lam = self.customer_rate * self.profile_day[customers.profile, day]
        lam = np.where(customers.join_day < day, lam, 0.0)  # registered on an earlier day
        lam = np.where(day < self.chain.habits.leave_day, lam, 0.0)  # not gone yet
        visiting = np.flatnonzero(rng.random(customers.size) < -np.expm1(-lam))
        home = customers.home_store[visiting]
        other = np.searchsorted(self.store_cdf, rng.random(len(visiting)), side="right")
        other = np.minimum(other, len(self.chain.stores) - 1)
        store = np.where(rng.random(len(visiting)) < HOME_STORE_SHARE, home, other)
        return [visiting[store == s] for s in range(len(self.chain.stores))]

    def _store_plan(self, rng, habit_rng, customer, profile, w_store, today) -> StoreDayPlan:
        n = len(customer)
        hour = OPEN_HOURS[np.minimum(np.searchsorted(self.hour_cdf, rng.random(n)), 12)]
        seconds = hour * 3600 + rng.integers(0, 3600, n)
        order = np.argsort(seconds, kind="stable")
        seconds, customer, profile = seconds[order], customer[order], profile[order]
        lines = np.minimum(1 + rng.poisson(self.basket[profile] - 1), MAX_LINES)
        ticket_of = np.repeat(np.arange(n), lines)
        products = np.empty(len(ticket_of), dtype=int)
        line_profile = profile[ticket_of]
        for g in np.unique(profile):
            mask = line_profile == g
            cdf = np.cumsum(w_store * self.chain.preference[g])
            draws = rng.random(int(mask.sum())) * cdf[-1]
            products[mask] = np.minimum(np.searchsorted(cdf, draws, side="right"), len(cdf) - 1)
        habitual, staples = staple_lines(
            self.chain.habits, habit_rng, customer[ticket_of], line_profile, today
        )
        products[habitual] = staples
        quantities = self._quantities(rng, products, self.bulk_profile[line_profile])
        ticket_of, products, quantities = self._complements(rng, ticket_of, products, quantities)
        m = len(products)
        offsets = np.concatenate([[0], np.cumsum(np.bincount(ticket_of, minlength=n))])
        return StoreDayPlan(
            seconds=seconds.tolist(),
            customer=customer.tolist(),
            profile=profile.tolist(),
            offsets=offsets.tolist(),
            products=products.tolist(),
            quantities=quantities.tolist(),
            pay_u=rng.random(n).tolist(),
            split_u=rng.random(n).tolist(),
            split_frac=rng.uniform(0.2, 0.8, n).tolist(),
            pick_u=rng.random(n).tolist(),
            return_u=rng.random(m).tolist(),
            return_after=(1 + rng.geometric(0.25, m)).tolist(),
            return_second=rng.integers(hours(10), hours(20), m).tolist(),
            return_part_u=rng.random(m).tolist(),
        )

    def _quantities(self, rng, products, bulk) -> np.ndarray:
        n = len(products)
        usual = QTY_VALUES[np.minimum(np.searchsorted(self.qty_cdf, rng.random(n)), 4)]
        case = np.where(self.pack[products] > 12, self.pack[products] // 2, self.pack[products])
        cases = case * (1 + (rng.random(n) < 0.1))
        loose = 2 + rng.poisson(1.5, n)
        by_case = np.where(self.bulk_case[products], cases, loose)
        qty = np.where(bulk, by_case, usual)
        return np.where(self.expensive[products], 1, qty)

    def _complements(self, rng, ticket_of, products, quantities):
        """Add each planted complement to the basket of its partner, with its probability."""
        partner = self.partner[products]
        joins = (partner >= 0) & (rng.random(len(products)) < self.attach[products])
        if not joins.any():
            return ticket_of, products, quantities
        ticket_of = np.concatenate([ticket_of, ticket_of[joins]])
        products = np.concatenate([products, partner[joins]])
        quantities = np.concatenate([quantities, np.ones(int(joins.sum()), dtype=int)])
        order = np.argsort(ticket_of, kind="stable")
        return ticket_of[order], products[order], quantities[order]


def _profile_day_factors(chain: Chain) -> np.ndarray:
    """(profiles, days) visit-rate multiplier: paydays and weekends, mean about one."""
    payday = chain.calendar.is_payday
    weekend = np.array([d.weekday() >= 5 for d in chain.calendar.dates])
    rows = []
    for p in PROFILES:
        factor = np.where(payday, p.payday_boost, 1.0) * np.where(weekend, p.weekend_factor, 1.0)
        rows.append(factor / factor[: chain.days].mean())
    return np.array(rows)
