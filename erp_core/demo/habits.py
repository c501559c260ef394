"""Customer habits: the staple products each identified customer re-buys, and when they leave.

Without them every basket is drawn afresh and every customer visits forever, unlike real ones:

- Staples. Households re-buy their own products: in the Instacart grocery orders (2017, 3.4M
  orders) about 59 % of an order's products had been ordered by the same customer before, and
  Ehrenberg's repeat-buying studies find most purchases in a category go to a small repertoire
  of brands. Repeat buying is a trait of frequently bought goods, not of durables (nobody
  re-buys the same television), so staples come from the consumable departments only. Each
  customer draws a few staples once (more for the big-basket profiles), from their profile's
  preferences x popularity, and a per-profile share of each basket's lines is taken from them;
  the shares are below Instacart's 59 % because fresh draws repeat products too, and low for
  premium customers (who come mostly for durables) and occasional ones (weak ties). Which
  staple a line takes follows the day's season, climate, trend and promotions, so those
  effects still show.
- Churn. Retail customers drop out: surveys put yearly retention in retail at about 60-65 %
  (a mean lifetime near two years), higher for grocery households and businesses that restock,
  lower for students and occasional buyers. Lifetimes are exponential with a profile mean of
  1.5 to 5 years; many customers are still active at the end. A customer registered before the
  history is one still active when it starts (the exponential forgets: their remaining lifetime
  has the same law), so the customer file keeps its size and everyone has a chance to buy.

The parameters are in ``profiles.PROFILES``; the draws use their own generator, so the rest of
the chain's random stream stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from erp_core.demo.catalog import Catalog
from erp_core.demo.customers import Customers
from erp_core.demo.profiles import PROFILES

DURABLE_DEPARTMENTS = ("Ropa", "Hogar", "Juguetes", "Electro")  # never staples
NO_STAPLE = -1
NEVER = 10**6  # leave day of a customer who never leaves


@dataclass
class Habits:
    staples: np.ndarray  # (customers, most staples): product indices, NO_STAPLE padding
    staple_share: np.ndarray  # per profile: share of lines drawn from the staples
    leave_day: np.ndarray  # per customer: first day with no visits (NEVER: stays)


def draw_habits(
    rng: np.random.Generator, customers: Customers, catalog: Catalog, preference: np.ndarray
) -> Habits:
    """Staples and leave days; ``preference`` is (profiles, products) as in ``Chain``."""
    departments = np.array(catalog.departments)[catalog.department]
    consumable = ~np.isin(departments, DURABLE_DEPARTMENTS)
    profile, join_day = customers.profile, customers.join_day
    return Habits(
        staples=_staples(rng, profile, preference * catalog.popularity * consumable),
        staple_share=np.array([p.staple_share for p in PROFILES]),
        leave_day=_leave_days(rng, profile, join_day),
    )


def _staples(rng, profile: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A few distinct products per customer, drawn without replacement proportionally to
    ``weights`` (Gumbel top-k: the largest of log weight + Gumbel noise)."""
    means = np.array([p.staples for p in PROFILES])[profile]
    count = np.where(means > 0, 1 + rng.poisson(np.maximum(means - 1, 0)), 0)
    count = np.minimum(count, weights.shape[1])
    width = max(int(count.max(initial=0)), 1)
    staples = np.full((len(profile), width), NO_STAPLE)
    log_w = np.log(np.where(weights > 0, weights, np.nan))
    for c in range(len(profile)):
        if count[c] == 0:
            continue
        keys = np.nan_to_num(log_w[profile[c]], nan=-np.inf) + rng.gumbel(size=weights.shape[1])
        staples[c, : count[c]] = np.argsort(-keys, kind="stable")[: count[c]]
    return staples


def _leave_days(rng, profile: np.ndarray, join_day: np.ndarray) -> np.ndarray:
    years = np.array([p.lifetime_years for p in PROFILES])[profile]
    lifetime = np.ceil(rng.exponential(np.maximum(years, 1e-9) * 365.25))
    leave = np.maximum(join_day, 0) + lifetime.astype(np.int64)
    return np.where(years > 0, np.minimum(leave, NEVER), NEVER)


def staple_lines(
    habits: Habits,
    rng: np.random.Generator,
    line_customer: np.ndarray,
    line_profile: np.ndarray,
    today: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which lines take a staple, and which: ``(line positions, products)``.

    ``today`` is each product's weight today relative to its popularity (trend, season,
    climate, promotions), zero when it is not listed: a staple not on sale is never drawn, the
    line keeps its fresh draw.
    """
    identified = np.flatnonzero(line_customer >= 0)
    u = rng.random(len(identified))
    chosen = identified[u < habits.staple_share[line_profile[identified]]]
    if not len(chosen):
        return chosen, chosen
    own = habits.staples[line_customer[chosen]]
    w = np.where(own >= 0, today[np.maximum(own, 0)], 0.0)
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1]
    pick = (cum <= (rng.random(len(chosen)) * total)[:, None]).sum(axis=1)
    pick = np.minimum(pick, own.shape[1] - 1)
    drawable = total > 0
    return chosen[drawable], own[drawable, pick[drawable]]
