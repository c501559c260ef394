"""Frequently bought together: pairwise association rules over baskets.

Rules are item → item (a product and its complement), which is what a shelf, a basket page or a
cashier can act on. Pair counts come from one sparse product of the basket × item matrix with
itself, restricted to items above the minimum support, so memory follows the frequent items,
not the catalogue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

BASKET_COLUMNS = ("basket_id", "item")
RULE_COLUMNS = [
    "antecedent",
    "consequent",
    "support",
    "confidence",
    "lift",
    "baskets",
    "antecedent_support",
    "consequent_support",
]


def basket_matrix(baskets: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index, pd.Index]:
    """Binary basket × item matrix with its basket and item labels."""
    missing = [c for c in BASKET_COLUMNS if c not in baskets.columns]
    if missing:
        raise ValueError(f"faltan columnas en las canastas: {', '.join(missing)}")
    basket_codes, basket_labels = pd.factorize(baskets["basket_id"], sort=False)
    item_codes, item_labels = pd.factorize(baskets["item"], sort=True)
    matrix = sparse.csr_matrix(
        (np.ones(len(baskets), dtype=np.float32), (basket_codes, item_codes)),
        shape=(len(basket_labels), len(item_labels)),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # an item twice in a basket is one occurrence
    return matrix, pd.Index(basket_labels), pd.Index(item_labels)


def association_rules(
    baskets: pd.DataFrame,
    min_support: float = 0.001,
    min_confidence: float = 0.1,
    min_lift: float = 1.5,
    min_baskets: int = 5,
) -> pd.DataFrame:
    """Rules antecedent → consequent with support, confidence and lift, best lift first.

    ``baskets``: ``basket_id, item``, one row per item in a basket. A rule needs the pair in at
    least ``min_support`` of the baskets and in at least ``min_baskets`` baskets (a rate on a
    handful of baskets is noise), ``confidence`` = P(consequent | antecedent) of at least
    ``min_confidence`` and ``lift`` = confidence / P(consequent) of at least ``min_lift``.
    """
    matrix, _, item_labels = basket_matrix(baskets)
    n = matrix.shape[0]
    if n == 0:
        return pd.DataFrame(columns=RULE_COLUMNS)
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    threshold = max(min_baskets, int(np.ceil(min_support * n)))
    frequent = np.flatnonzero(counts >= threshold)
    sub = matrix[:, frequent].tocsc().astype(np.int32)
    pairs = (sub.T @ sub).tocoo()
    keep = (pairs.row != pairs.col) & (pairs.data >= threshold)
    a, c, both = frequent[pairs.row[keep]], frequent[pairs.col[keep]], pairs.data[keep]
    support_a, support_c = counts[a] / n, counts[c] / n
    confidence = both / counts[a]
    lift = confidence / support_c
    rules = pd.DataFrame(
        {
            "antecedent": item_labels[a],
            "consequent": item_labels[c],
            "support": both / n,
            "confidence": confidence,
            "lift": lift,
            "baskets": both.astype(int),
            "antecedent_support": support_a,
            "consequent_support": support_c,
        }
    )
    rules = rules[(rules["confidence"] >= min_confidence) & (rules["lift"] >= min_lift)]
    return rules.sort_values(
        ["lift", "confidence", "antecedent", "consequent"], ascending=[False, False, True, True]
    ).reset_index(drop=True)


def complements(rules: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Per product, its best complements: the ``top`` consequents by confidence (then lift)."""
    ordered = rules.sort_values(
        ["antecedent", "confidence", "lift"], ascending=[True, False, False]
    )
    best = ordered.groupby("antecedent", sort=False).head(top).copy()
    best["rank"] = best.groupby("antecedent", sort=False).cumcount() + 1
    return best[["antecedent", "rank", "consequent", "confidence", "lift", "support"]].reset_index(
        drop=True
    )
