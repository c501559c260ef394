"""The simulated chain before any day runs: master data, calendar and calibrated demand rates.

Everything is drawn from generators seeded by ``(seed, purpose)``, so that one part changing
its draws never shifts the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from erp_core.demo.calendar import Calendar, build_calendar
from erp_core.demo.catalog import Catalog, build_catalog
from erp_core.demo.customers import HISTORY_BEFORE_START, Customers, draw_customers
from erp_core.demo.habits import Habits, draw_habits
from erp_core.demo.profiles import PROFILES, WALK_IN
from erp_core.demo.promotions import Promotion, draw_planned_promotions, draw_promotions
from erp_core.demo.scales import Scale
from erp_core.demo.stores import CLIMATE_EFFECTS, WAREHOUSE, StoreSpec, chain_stores

HORIZON = 120  # calendar days beyond the history, for replenishment looking ahead
IDENTIFIED_TICKET_SHARE = 0.3
STOCKOUT_ALLOWANCE = 1.06  # demand a bit above the aimed lines: stockouts lose some
COMPLEMENT_LINES = 1.03


def rng_for(seed: int, *purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, *purpose])


@dataclass
class Chain:
    seed: int
    scale: Scale
    start: dt.date
    days: int
    stores: list[StoreSpec]
    catalog: Catalog
    customers: Customers
    habits: Habits  # staples and leave days of the identified customers
    promotions: list[Promotion]
    planned_promotions: list[Promotion]  # after the history: in the core, not in its sales
    calendar: Calendar  # covers days + HORIZON
    climate: np.ndarray  # (stores, products) multiplier of demand by the store's climate
    preference: np.ndarray  # (profiles, products) multiplier by customer profile
    walk_in_rate: float  # walk-in tickets per day per unit of store size and traffic
    month_of_day: np.ndarray

    @property
    def warehouse(self) -> int:
        """Location index of the central warehouse (after the selling stores)."""
        return len(self.stores)

    @property
    def locations(self) -> list[StoreSpec]:
        return [*self.stores, WAREHOUSE]

    @property
    def store_sizes(self) -> np.ndarray:
        return np.array([s.size for s in self.stores])


def build_chain(seed: int, scale: Scale, end_date: dt.date) -> Chain:
    start = end_date - dt.timedelta(days=scale.days - 1)
    stores = chain_stores(scale.stores)
    catalog = build_catalog(
        rng_for(seed, 1), scale.skus, scale.suppliers, scale.days, scale.complementary_pairs
    )
    calendar = build_calendar(start, scale.days + HORIZON, catalog.category_names)
    sizes = np.array([s.size for s in stores])
    customer_count = _customer_count(scale)
    customers = draw_customers(rng_for(seed, 2), customer_count, sizes, scale.days)
    promotions = draw_promotions(rng_for(seed, 3), catalog, len(stores), scale.days)
    planned = draw_planned_promotions(
        rng_for(seed, 8), catalog, len(stores), scale.days, promotions
    )
    preference = _preferences(catalog)
    habits = draw_habits(rng_for(seed, 9), customers, catalog, preference)
    months = np.array([(d.year - start.year) * 12 + d.month - start.month for d in calendar.dates])
    chain = Chain(
        seed=seed,
        scale=scale,
        start=start,
        days=scale.days,
        stores=stores,
        catalog=catalog,
        customers=customers,
        habits=habits,
        promotions=promotions,
        planned_promotions=planned,
        calendar=calendar,
        climate=_climate(stores, catalog),
        preference=preference,
        walk_in_rate=0.0,
        month_of_day=months,
    )
    chain.walk_in_rate = _walk_in_rate(chain)
    return chain


def _climate(stores: list[StoreSpec], catalog: Catalog) -> np.ndarray:
    names = np.array(catalog.category_names)[catalog.category]
    rows = []
    for store in stores:
        effects = CLIMATE_EFFECTS[store.climate]
        rows.append(np.array([effects.get(n, 1.0) for n in names]))
    return np.array(rows)


def _preferences(catalog: Catalog) -> np.ndarray:
    cats = np.array(catalog.category_names)[catalog.category]
    depts = np.array(catalog.departments)[catalog.department]
    return np.array(
        [
            [
                p.preferences.get(d, 1.0) * p.preferences.get(c, 1.0)
                for d, c in zip(depts, cats, strict=True)
            ]
            for p in PROFILES
        ]
    )


def visits_per_day(profile_index: int) -> float:
    return PROFILES[profile_index].visits_per_month / 30


def _identified(scale: Scale) -> tuple[float, float]:
    """Visits per customer per day and lines per identified ticket, over the profile mix."""
    shares = np.array([p.share for p in PROFILES])
    rates = np.array([visits_per_day(g) for g in range(len(PROFILES))])
    baskets = np.array([p.basket_lines for p in PROFILES])
    visits = float(shares @ rates / shares.sum())
    lines = float((shares * rates) @ baskets / (shares @ rates))
    return visits, lines


def _active_fraction(days: int) -> float:
    """Mean share of customers already registered on a day of the history."""
    last = max(days * 4 // 5, 1)
    d = np.arange(days)
    return float(
        np.mean(np.minimum(d + 1 + HISTORY_BEFORE_START, last + HISTORY_BEFORE_START))
        / (last + HISTORY_BEFORE_START)
    )


def _customer_count(scale: Scale) -> int:
    visits, ident_lines = _identified(scale)
    walk_lines = PROFILES[WALK_IN].basket_lines
    share = IDENTIFIED_TICKET_SHARE
    lines_per_ticket = (1 - share) * walk_lines + share * ident_lines
    tickets_per_day = scale.sale_lines / scale.days / lines_per_ticket
    return max(50, round(share * tickets_per_day / (visits * _active_fraction(scale.days))))


def _walk_in_rate(chain: Chain) -> float:
    """Walk-in tickets per unit of store size and traffic, so that lines meet the scale."""
    scale = chain.scale
    visits, ident_lines = _identified(scale)
    identified = chain.customers.size * visits * _active_fraction(scale.days) * ident_lines
    identified *= _staying_share(chain)
    wanted = scale.sale_lines / scale.days * STOCKOUT_ALLOWANCE / COMPLEMENT_LINES
    walk_in_lines = max(wanted - identified, 0.1 * wanted)
    traffic = float(np.mean(chain.calendar.traffic[: scale.days]))
    tickets = walk_in_lines / PROFILES[WALK_IN].basket_lines
    return tickets / (chain.store_sizes.sum() * traffic)


def _staying_share(chain: Chain) -> float:
    """Identified lines with the leave days over those without: walk-ins make up the rest, so
    the chain keeps the sale lines its scale aims for."""
    customers, days = chain.customers, chain.days
    weight = np.array([visits_per_day(g) * PROFILES[g].basket_lines for g in customers.profile])
    first = np.clip(customers.join_day + 1, 0, days)
    ever = days - first
    stayed = np.clip(chain.habits.leave_day, first, days) - first
    return float((weight * stayed).sum() / max((weight * ever).sum(), 1e-9))
