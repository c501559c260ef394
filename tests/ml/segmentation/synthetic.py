"""A chain's identified customers with planted buying profiles, as sale lines and payments.

Each profile differs in how often, how much, what, how (payment), on which days (paydays)
and whether on promotion; a few anomalies buy like nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

START = pd.Timestamp("2026-01-01")
CATEGORIES = {  # name: typical unit price
    "Abarrotes": 6.0,
    "Bebidas": 4.0,
    "Limpieza": 9.0,
    "Snacks": 2.5,
    "Electro": 350.0,
    "Ropa": 60.0,
}


@dataclass(frozen=True)
class Profile:
    name: str
    customers: int
    days_between: float
    lines: float
    units: float
    categories: dict[str, float]
    payments: dict[str, float]
    promo: float
    payday: float  # share of visits moved to a payday


PROFILES = (
    Profile("frecuente_chico", 120, 3, 1.5, 1, {"Snacks": 5, "Bebidas": 3},
            {"yape": 0.8, "cash": 0.2}, 0.05, 0.0),
    Profile("familia", 150, 10, 7, 1.5, {"Abarrotes": 4, "Limpieza": 3, "Bebidas": 1},
            {"cash": 0.5, "card": 0.5}, 0.05, 0.7),
    Profile("negocio", 40, 7, 6, 12, {"Abarrotes": 3, "Bebidas": 3, "Snacks": 2},
            {"transfer": 0.8, "cash": 0.2}, 0.02, 0.0),
    Profile("premium", 80, 20, 3, 1, {"Electro": 3, "Ropa": 4, "Limpieza": 1},
            {"card": 0.9, "yape": 0.1}, 0.05, 0.1),
    Profile("cazador", 90, 9, 4, 2, {"Abarrotes": 2, "Limpieza": 2, "Snacks": 1, "Bebidas": 1},
            {"cash": 0.5, "yape": 0.5}, 0.85, 0.0),
    Profile("ocasional", 120, 60, 3, 1, {c: 1 for c in CATEGORIES}, {"cash": 0.6, "yape": 0.4},
            0.05, 0.0),
)  # fmt: skip


def _paydays(days: int) -> np.ndarray:
    dates = START + pd.to_timedelta(np.arange(days), unit="D")
    mask = dates.day.isin([1, 2, 15, 16]) | dates.is_month_end
    return np.flatnonzero(mask)


def planted_chain(days: int = 187, anomalies: int = 6, seed: int = 11):
    """(lines, payments, truth): truth maps customer_id to its profile ('anomalia' for the few
    that buy like nobody else). Customers join within the first 30 days."""
    rng = np.random.default_rng(seed)
    paydays = _paydays(days)
    lines, payments, truth = [], [], {}
    sale_id = 0
    customer_id = 0
    plans = [(p, p.customers) for p in PROFILES] + [(None, anomalies)]
    for profile, count in plans:
        for _ in range(count):
            customer_id += 1
            truth[customer_id] = profile.name if profile else "anomalia"
            home = int(rng.integers(1, 4))
            gap = profile.days_between if profile else 5.0
            day = float(rng.integers(0, 30))
            while day < days:
                sale_id += 1
                visit = int(day)
                if profile and rng.random() < profile.payday:
                    later = paydays[paydays >= visit]
                    visit = int(later[0]) if len(later) else visit
                store = home if rng.random() < 0.85 else int(rng.integers(1, 4))
                lines.extend(
                    (customer_id, sale_id, visit, store, *row)
                    for row in _ticket_lines(rng, profile)
                )
                method = _pick(rng, profile.payments if profile else {"card": 1.0})
                payments.append((sale_id, method))
                day += rng.exponential(gap)
    lines = pd.DataFrame(
        lines,
        columns=["customer_id", "sale_id", "sale_date", "store_id", "category", "units_qty",
                 "net_sales_pen", "is_promotion"],
    )  # fmt: skip
    lines["sale_date"] = START + pd.to_timedelta(lines["sale_date"], unit="D")
    payments = pd.DataFrame(payments, columns=["sale_id", "payment_method"])
    return lines, payments, truth


def _pick(rng, weights: dict[str, float]) -> str:
    names = list(weights)
    cumulative = np.cumsum([weights[n] for n in names])
    return names[int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))]


def _ticket_lines(rng, profile: Profile | None):
    if profile is None:  # an anomaly: a huge ticket of expensive things in bulk
        for _ in range(int(rng.integers(8, 15))):
            category = _pick(rng, {"Electro": 1, "Ropa": 1})
            units = float(rng.integers(20, 40))
            yield category, units, round(units * CATEGORIES[category], 2), False
        return
    for _ in range(1 + rng.poisson(profile.lines - 1)):
        category = _pick(rng, profile.categories)
        units = float(max(1, round(rng.normal(profile.units, profile.units * 0.2))))
        promo = bool(rng.random() < profile.promo)
        price = CATEGORIES[category] * rng.uniform(0.7, 1.3) * (0.75 if promo else 1.0)
        yield category, units, round(units * price, 2), promo
