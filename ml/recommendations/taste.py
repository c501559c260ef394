"""What a customer's kind of shopper buys these days: their share of each product group
(a department), shrunk toward the chain's, times each product's recent popularity within its
group.

Two signals item-to-item similarity misses on a chain whose customers do not re-buy their own
products: what is selling now (season, launches, promotions: popularity with the weight of a
basket halving every ``half_life_days``), and which departments this customer fills baskets
from (a student's school supplies, a family's groceries), estimated from few baskets by
shrinking toward the chain's mix with ``prior`` pseudo-baskets.

History columns: ``customer_id, basket_id, ds, item`` and optionally ``group`` (the product's
department); without it every product is in one group and the taste is recent popularity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

PRIOR_BASKETS = 10.0


@dataclass
class GroupTaste:
    """Fitted taste model: product labels, group of each product, recent popularity."""

    items_: pd.Index
    group_of_: np.ndarray  # group code of each item
    chain_share_: np.ndarray  # share of the chain's basket lines in each group
    within_: np.ndarray  # item's share of its group's recent popularity
    prior: float
    half_life_days: float | None

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame,
        items: pd.Index,
        half_life_days: float | None = None,
        prior: float = PRIOR_BASKETS,
    ) -> GroupTaste:
        """Recent popularity over ``items`` (those ``history`` lacks get a tiny share)."""
        lines = history.drop_duplicates(["basket_id", "item"])
        lines = lines[items.get_indexer(lines["item"]) >= 0]
        codes = items.get_indexer(lines["item"])
        groups = _groups(history, items)
        age = (lines["ds"].max() - lines["ds"]).dt.total_seconds().to_numpy() / 86400
        weight = 0.5 ** (age / half_life_days) if half_life_days else np.ones(len(lines))
        recent = np.bincount(codes, weights=weight, minlength=len(items))
        lines_per_item = np.bincount(codes, minlength=len(items)).astype(float)
        recent = recent + 1e-9 * (lines_per_item + 1)  # nothing scores exactly zero
        group_total = np.bincount(groups, weights=recent)
        chain = np.bincount(groups, weights=lines_per_item, minlength=groups.max() + 1)
        return cls(
            items_=items,
            group_of_=groups,
            chain_share_=chain / max(chain.sum(), 1.0),
            within_=recent / group_total[groups],
            prior=prior,
            half_life_days=half_life_days,
        )

    def scores(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Customers × items scores from ``counts`` (customers × items, baskets holding each
        item): P(group) for this customer × P(item | group) now."""
        one_hot = sparse.csr_matrix(
            (np.ones(len(self.items_)), (np.arange(len(self.items_)), self.group_of_)),
            shape=(len(self.items_), len(self.chain_share_)),
        )
        per_group = np.asarray((counts @ one_hot).todense())
        affinity = (per_group + self.prior * self.chain_share_) / (
            per_group.sum(axis=1, keepdims=True) + self.prior
        )
        return affinity[:, self.group_of_] * self.within_


def _groups(history: pd.DataFrame, items: pd.Index) -> np.ndarray:
    """Group code of each item (0 for all when the history has no ``group``)."""
    if "group" not in history.columns:
        return np.zeros(len(items), dtype=int)
    labels = history.drop_duplicates("item").set_index("item")["group"].reindex(items)
    codes, _ = pd.factorize(labels.fillna("(sin grupo)").astype(str), sort=True)
    return codes
