"""The planted truth, written beside the data: what analytics and models should find again.

Customers appear only by pseudonym (the warehouse's identity), never by document or name.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from erp_core.demo.calendar import (
    EVENTS,
    HOLIDAY_FACTOR,
    PAYDAY_FACTOR,
    WEEKDAY_FACTOR,
    YEARLY_GROWTH,
)
from erp_core.demo.chain import Chain
from erp_core.demo.profiles import PROFILES
from erp_core.demo.promotions import ELASTICITY, PLANNED_SHARE
from erp_core.demo.simulate import Outcome
from erp_core.demo.stores import CLIMATE_EFFECTS


def planted_truth(chain: Chain, pseudonyms: list[str], outcome: Outcome) -> dict:
    cat = chain.catalog
    end = chain.start + dt.timedelta(days=chain.days - 1)
    return {
        "seed": chain.seed,
        "scale": chain.scale.name,
        "start_date": chain.start.isoformat(),
        "end_date": end.isoformat(),
        "customer_profiles": {
            name: {
                "description": p.description,
                "visits_per_month": p.visits_per_month,
                "payday_boost": p.payday_boost,
                "weekend_factor": p.weekend_factor,
                "basket_lines": p.basket_lines,
                "bulk_cases": p.bulk,
                "doc_type": p.doc_type,
                "payments": p.payments,
                "preferences": p.preferences,
                "mean_staples": p.staples,
                "staple_share_of_lines": p.staple_share,
                "mean_lifetime_years": p.lifetime_years,
            }
            for name, p in ((p.name, p) for p in PROFILES[1:])
        },
        "customers": {
            pseudonym: PROFILES[int(g)].name
            for pseudonym, g in zip(pseudonyms, chain.customers.profile, strict=True)
        },
        "customer_habits": _habits(chain, pseudonyms),
        "complementary_pairs": [
            {
                "sku": cat.sku[pair.first],
                "complement_sku": cat.sku[pair.second],
                "attach_probability": pair.attach_probability,
            }
            for pair in cat.pairs
        ],
        "seasonal_effects": {
            event.name: {
                "windows": _windows(chain, event.name, end),
                "category_multipliers": event.categories,
                "traffic_multiplier": event.traffic,
            }
            for event in EVENTS
        },
        "traffic": {
            "weekday_factor": dict(
                zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), WEEKDAY_FACTOR, strict=True)
            ),
            "payday_factor": PAYDAY_FACTOR,
            "holiday_factor": HOLIDAY_FACTOR,
            "yearly_growth": YEARLY_GROWTH,
            "store_size": {s.name: s.size for s in chain.stores},
        },
        "climate_effects": {s.name: CLIMATE_EFFECTS[s.climate] for s in chain.stores},
        "promotion_uplift": {
            "formula": f"1 + {ELASTICITY} * discount_pct / 100",
            "planned_share_of_extra_demand": PLANNED_SHARE,
            "promotions": [
                {
                    "promotion_id": i,
                    "sku": cat.sku[p.product],
                    "discount_pct": p.discount_pct,
                    "uplift": round(p.uplift, 4),
                }
                for i, p in enumerate(chain.promotions, 1)
            ],
            # Planned for the weeks after the history: in the core's promotions, never sold under.
            "planned_promotions": [
                {
                    "promotion_id": i,
                    "sku": cat.sku[p.product],
                    "store": None if p.store is None else chain.stores[p.store].name,
                    "discount_pct": p.discount_pct,
                    "starts_on": (chain.start + dt.timedelta(days=p.first_day)).isoformat(),
                    "ends_on": (chain.start + dt.timedelta(days=p.last_day)).isoformat(),
                }
                for i, p in enumerate(chain.planned_promotions, len(chain.promotions) + 1)
            ],
        },
        "products": {
            "slow_movers_share": "about 25 % of SKUs sell intermittently",
            "launched": [cat.sku[p] for p in range(cat.size) if cat.launch_day[p] > 0],
            "delisted": [cat.sku[p] for p in range(cat.size) if cat.delist_day[p] < chain.days],
        },
        "outcome": {
            "lost_units": outcome.lost_units,
            "lost_units_by_category": _by_category(chain, outcome.lost_by_product),
            "sold_units": outcome.sold_units,
            "total_sales_pen": str(outcome.total_sales),
            "total_refunds_pen": str(outcome.total_refunds),
        },
    }


def _habits(chain: Chain, pseudonyms: list[str]) -> dict:
    """Per customer pseudonym: the staples it re-buys and the first day it no longer visits."""
    sku, habits = chain.catalog.sku, chain.habits
    return {
        "description": (
            "staples: products the customer re-buys (a profile's share of each basket's lines "
            "comes from them when on sale); leave_date: first day without visits (null: still "
            "active at the end); see customer_profiles for the parameters"
        ),
        "lifetime_law": "exponential, from the registration (or the history's start)",
        "customers": {
            pseudonym: {
                "staples": [sku[p] for p in staples if p >= 0],
                "leave_date": (
                    (chain.start + dt.timedelta(days=int(leave))).isoformat()
                    if leave < chain.days
                    else None
                ),
            }
            for pseudonym, staples, leave in zip(
                pseudonyms, habits.staples.tolist(), habits.leave_day.tolist(), strict=True
            )
        },
    }


def _by_category(chain: Chain, units) -> dict[str, int]:
    totals = dict.fromkeys(chain.catalog.category_names, 0)
    for p, n in enumerate(units.tolist()):
        totals[chain.catalog.category_names[chain.catalog.category[p]]] += n
    return totals


def _windows(chain: Chain, name: str, end: dt.date) -> list[list[str]]:
    return [
        [first.isoformat(), last.isoformat()]
        for first, last in chain.calendar.windows[name]
        if last >= chain.start and first <= end
    ]


def write_truth(truth: dict, path: Path) -> None:
    """Write atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=2))
    tmp.replace(path)
