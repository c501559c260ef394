"""Baskets of customers with planted tastes and planted complementary pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd

ITEMS = [f"P{i:03d}" for i in range(120)]
STAPLES = ITEMS[:10]  # everybody buys these now and then
PAIRS = [("P020", "P021"), ("P040", "P041"), ("P060", "P061"), ("P080", "P081"), ("P100", "P101")]
TASTES = [ITEMS[10 + 25 * g : 10 + 25 * (g + 1)] for g in range(4)]  # 4 groups of 25 items
ATTACH = 0.5


def taste_baskets(customers: int = 400, seed: int = 5) -> tuple[pd.DataFrame, dict]:
    """``customer_id, basket_id, ds, item, store_id`` and each customer's taste group.

    A basket holds a few items from the customer's taste (each customer favours a handful of
    them), sometimes a staple, and the complement of a paired item with probability ATTACH.
    """
    rng = np.random.default_rng(seed)
    complement = dict(PAIRS)
    rows, groups = [], {}
    basket = 0
    for customer in range(1, customers + 1):
        group = int(rng.integers(0, len(TASTES)))
        groups[customer] = group
        favourites = rng.choice(TASTES[group], size=8, replace=False)
        weights = rng.dirichlet(np.ones(8) * 0.7)
        store = int(rng.integers(1, 3))
        for visit in range(int(rng.integers(4, 12))):
            basket += 1
            day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=7 * visit + int(rng.integers(7)))
            items = set(rng.choice(favourites, size=int(rng.integers(1, 4)), p=weights))
            if rng.random() < 0.6:
                items.add(STAPLES[int(rng.integers(len(STAPLES)))])
            for item in list(items):
                if item in complement and rng.random() < ATTACH:
                    items.add(complement[item])
            rows.extend((customer, basket, day, item, store) for item in sorted(items))
    frame = pd.DataFrame(rows, columns=["customer_id", "basket_id", "ds", "item", "store_id"])
    return frame, groups


DEPARTMENTS = 4
ITEMS_PER_DEPARTMENT = 60
FAVOURITE = 20.0  # a student and school supplies: the favourite department twenty times as likely


def department_baskets(customers: int = 400, seed: int = 7) -> pd.DataFrame:
    """``customer_id, basket_id, ds, item, group``: baskets drawn afresh every visit from the
    customer's favourite department (``FAVOURITE`` times as likely as another) × each
    product's popularity, as the demo chain draws them: no habit of re-buying one's own
    products."""
    rng = np.random.default_rng(seed)
    popularity = np.tile(1.0 / np.arange(1, ITEMS_PER_DEPARTMENT + 1), DEPARTMENTS)
    department = np.repeat(np.arange(DEPARTMENTS), ITEMS_PER_DEPARTMENT)
    labels = np.array([f"D{d}-{i:03d}" for i, d in enumerate(department)])
    rows, basket = [], 0
    for customer in range(1, customers + 1):
        weights = popularity * np.where(department == rng.integers(DEPARTMENTS), FAVOURITE, 1.0)
        for _ in range(int(rng.integers(4, 10))):
            basket += 1
            day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=int(rng.integers(0, 120)))
            chosen = rng.choice(len(labels), size=3, replace=False, p=weights / weights.sum())
            rows.extend((customer, basket, day, labels[i], f"D{department[i]}") for i in chosen)
    return pd.DataFrame(rows, columns=["customer_id", "basket_id", "ds", "item", "group"])
