"""The next-products model: item-to-item similarity blended with the customer's group taste.

Each part is scaled to 1 at the customer's best product, then ``similarity_weight`` × similarity
+ (1 - ``similarity_weight``) × taste, plus a trace of popularity so that nothing ties at zero.
How much of each, how fast popularity forgets (the taste's half-life), how many kinds of
shopper the taste tells apart and how much a customer's own department mix counts against
their kind's (the prior) depend on the shop: Online Retail's customers re-order their own
products (similarity wins), a chain whose baskets follow department tastes and the season wants
taste. All four are chosen on inner splits of the history the model is fitted on (each
customer's last baskets hidden in turn, the blend with the best hit rate@k over them); the
caller's own evaluation holdout is never seen.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from ml.recommendations.history import (
    basket_counts,
    check_history,
    last_baskets,
    replenishment_items,
    split_last_basket,
)
from ml.recommendations.similarity import ItemSimilarity
from ml.recommendations.taste import GroupTaste, TasteLines


class Blend(NamedTuple):
    similarity_weight: float
    half_life_days: float | None  # None: popularity over the whole history
    kinds: int  # kinds of shopper the taste tells apart (1: the whole chain)
    prior: float  # pseudo-baskets of the kind's department mix in a customer's own


GRID = {
    "similarity_weight": (0.0, 0.25, 0.5, 0.75, 1.0),
    "half_life_days": (7.0, 14.0, 28.0, 56.0, None),
    "kinds": (1, 8),
    "prior": (10.0,),
}
DEFAULT_BLEND = Blend(0.5, None, 1, 10.0)  # when the history is too short for an inner split
SIMILARITY_ALONE = Blend(1.0, None, 1, 10.0)  # the taste's candidates do not change it
MIN_VALIDATION_CUSTOMERS = 30
INNER_FOLDS = 3
MAX_VALIDATION_CUSTOMERS = 2000  # an even sample of them scores the blends: bounded time
POPULARITY_TRACE = 1e-6


@dataclass
class NextProducts:
    """Fitted model: similarity, taste, the blend weight and how they were chosen."""

    similarity: ItemSimilarity
    taste: GroupTaste
    similarity_weight: float
    card: dict = field(default_factory=dict)

    @property
    def items_(self) -> pd.Index:
        return self.similarity.items_

    @property
    def popularity_(self) -> np.ndarray:
        return self.similarity.popularity_

    def with_weight(self, similarity_weight: float) -> NextProducts:
        return dataclasses.replace(self, similarity_weight=similarity_weight)

    def scores(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Customers × items blended scores from ``counts`` (baskets holding each item)."""
        return blended(
            _scaled(self.similarity.scores(counts)),
            _scaled(self.taste.scores(counts)),
            self.similarity_weight,
            self.popularity_,
        )


def fit_next_products(history: pd.DataFrame, grid: dict | None = None, k: int = 10) -> NextProducts:
    """Similarity and taste fitted on ``history``, blended as its inner splits prefer among
    ``grid`` (candidates for each ``Blend`` field; default ``GRID``)."""
    check_history(history)
    blend, card = choose_blend(history, grid or GRID, k)
    return fit_blend(history, blend, card)


def fit_blend(history: pd.DataFrame, blend: Blend, card: dict | None = None) -> NextProducts:
    """Similarity and taste fitted on ``history`` with a blend already chosen (the nightly run
    reuses the one its evaluation chose on the same history without the last baskets)."""
    check_history(history)
    similarity = ItemSimilarity.fit(history)
    taste = GroupTaste.fit(
        history, similarity.items_, blend.half_life_days, blend.prior, blend.kinds
    )
    card = card or {"chosen": _named(blend, "dado")}
    return NextProducts(similarity, taste, blend.similarity_weight, card)


def chosen_blend(card: dict) -> Blend:
    """The ``Blend`` a model card says was chosen."""
    return Blend(**{name: card["chosen"][name] for name in Blend._fields})


def choose_blend(history, grid: dict, k: int) -> tuple[Blend, dict]:
    """The ``Blend`` among ``grid``'s candidates with the best hit rate@k over
    ``INNER_FOLDS`` inner last-basket splits (recall@k breaks ties), and a card with every
    candidate's scores.

    Fold 1 hides each customer's last basket of ``history``, fold 2 the one before it, and so
    on: a few hundred customers score a candidate within a few points by chance, so more than
    one hidden basket per customer keeps the choice from following noise.
    """
    totals: dict[Blend, np.ndarray] = {}
    rest, evaluated = history, 0
    for _ in range(INNER_FOLDS):
        inner_train, inner_hidden = split_last_basket(rest)
        if inner_hidden["customer_id"].nunique() < MIN_VALIDATION_CUSTOMERS:
            break
        fold = _fold_scores(inner_train, inner_hidden, grid, k)
        for key, counts in fold.items():
            totals[key] = totals.get(key, 0) + counts
        evaluated += int(next(iter(fold.values()))[2])
        rest = inner_train
    if not totals:
        return DEFAULT_BLEND, {"inner_evaluations": 0, "chosen": _named(DEFAULT_BLEND, "defecto")}
    rates = {key: (hits / n, recall / n) for key, (hits, recall, n) in totals.items()}
    # best hit rate, then recall; then more similarity, fewer kinds, a weaker prior
    ranked = sorted(
        rates.items(), key=lambda kv: (-kv[1][0], -kv[1][1], -kv[0][0], kv[0][2], kv[0][3])
    )
    chosen = ranked[0][0]
    card = {
        "inner_evaluations": evaluated,
        "chosen": _named(chosen, "validación interna"),
        "candidates": [
            {
                **_named(key),
                f"hit_rate@{k}": round(float(s[0]), 4),
                f"recall@{k}": round(float(s[1]), 4),
            }
            for key, s in ranked
        ],
    }
    return chosen, card


def _named(blend: Blend, by: str | None = None) -> dict:
    named = blend._asdict()
    return {**named, "por": by} if by else named


def _fold_scores(inner_train, inner_hidden, grid: dict, k: int) -> dict:
    """Per ``Blend``: hits, summed recall and customers evaluated on one fold."""
    customers = np.sort(inner_hidden["customer_id"].unique())
    if len(customers) > MAX_VALIDATION_CUSTOMERS:
        even = np.linspace(0, len(customers) - 1, MAX_VALIDATION_CUSTOMERS).astype(int)
        customers = customers[even]
    similarity = ItemSimilarity.fit(inner_train)
    items = similarity.items_
    train = inner_train[inner_train["customer_id"].isin(customers)]
    scored, counts = basket_counts(train, items)
    hidden = inner_hidden[inner_hidden["customer_id"].isin(scored)]
    truth = _membership(hidden, scored, items)
    blocked = _membership(_blocked_lines(train, replenishment_items(inner_train)), scored, items)
    sims = _scaled(similarity.scores(counts))
    lines = TasteLines.of(inner_train, items)
    fold: dict[Blend, np.ndarray] = {}
    tastes = itertools.product(grid["half_life_days"], grid["kinds"], grid["prior"])
    for half_life, kinds, prior in tastes:
        taste = _scaled(GroupTaste.from_lines(lines, half_life, prior, kinds).scores(counts))
        for weight in grid["similarity_weight"]:
            blend = Blend(weight, half_life, kinds, prior) if weight < 1.0 else SIMILARITY_ALONE
            if blend not in fold:
                score = blended(sims, taste, weight, similarity.popularity_)
                fold[blend] = _hits_and_recall(score, truth, blocked, k)
    return fold


def blended(similarity, taste, weight: float, popularity: np.ndarray) -> np.ndarray:
    trace = POPULARITY_TRACE * popularity / max(popularity.max(), 1.0)
    return weight * similarity + (1.0 - weight) * taste + trace


def _scaled(scores: np.ndarray) -> np.ndarray:
    """Each customer's scores over their best one (rows without any stay zero)."""
    best = scores.max(axis=1, keepdims=True)
    return np.divide(scores, best, out=np.zeros_like(scores, dtype=float), where=best > 0)


def _blocked_lines(history: pd.DataFrame, replenishment: set) -> pd.DataFrame:
    last = last_baskets(history)
    return last[~last["item"].isin(replenishment)]


def _membership(lines: pd.DataFrame, customers: np.ndarray, items: pd.Index) -> sparse.csr_matrix:
    """Customers × items, 1 where the customer's lines hold the item."""
    rows = np.searchsorted(customers, lines["customer_id"])
    cols = items.get_indexer(lines["item"])
    keep = cols >= 0
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(len(customers), len(items))
    )
    matrix.data[:] = 1.0
    return matrix


def _hits_and_recall(scores, truth, blocked, k) -> np.ndarray:
    """[customers hit, summed recall, customers evaluated] of the top ``k`` not blocked, over
    customers with a hidden item the model knows."""
    scores = np.where(blocked.toarray() > 0, -np.inf, scores)
    k = min(k, scores.shape[1] - 1)
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    dense_truth = truth.toarray() > 0
    found = np.take_along_axis(dense_truth, top, axis=1).sum(axis=1)
    sizes = dense_truth.sum(axis=1)
    evaluated = sizes > 0
    recall = found[evaluated] / sizes[evaluated]
    return np.array([(found[evaluated] > 0).sum(), recall.sum(), evaluated.sum()], dtype=float)
