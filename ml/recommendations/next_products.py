"""The next products to offer each customer, from their purchase history.

Item-to-item similarity: two products are similar when the same customers buy both (cosine
over the customer × product matrix, each product keeping its ``NEIGHBOURS`` most similar). A
customer's score for a product is the sum of its similarity to what they bought, each bought
product weighted by how many of their baskets held it; a product counts as similar to itself,
so what a customer buys again and again scores high. Then the shop's rules:

- what the customer's last basket held is not offered again, unless it is a replenishment item
  (one that most of its buyers buy again: ``replenishment_items``);
- never a product out of stock (or not carried) at the customer's usual store, when stock is
  given;
- equal scores are ordered by margin, highest first;
- customers with fewer than ``k`` scored products are completed with the most popular ones.

History columns: ``customer_id, basket_id, ds, item`` and optionally ``store_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

HISTORY_COLUMNS = ("customer_id", "basket_id", "ds", "item")
NEIGHBOURS = 50
REPEAT_SHARE = 0.25  # a replenishment item: at least one buyer in four bought it twice or more
SCORE_DECIMALS = 9  # scores equal to this many decimals are ties (broken by margin)
SCORE_CHUNK = 2000  # customers scored at once


def check_history(history: pd.DataFrame) -> None:
    missing = [c for c in HISTORY_COLUMNS if c not in history.columns]
    if missing:
        raise ValueError(f"faltan columnas en el historial: {', '.join(missing)}")


def replenishment_items(history: pd.DataFrame, repeat_share: float = REPEAT_SHARE) -> set:
    """Products most of whose buyers buy them in more than one basket (rice, milk, diapers)."""
    baskets = history.groupby(["item", "customer_id"])["basket_id"].nunique()
    repeat = (baskets >= 2).groupby(level="item").mean()
    return set(repeat[repeat >= repeat_share].index)


def last_baskets(history: pd.DataFrame) -> pd.DataFrame:
    """Each customer's last basket (latest date; the greatest id among that day's)."""
    baskets = history[["customer_id", "basket_id", "ds"]].drop_duplicates("basket_id")
    ordered = baskets.sort_values(["customer_id", "ds", "basket_id"])
    last = ordered.groupby("customer_id").tail(1)
    return history.merge(last[["basket_id"]], on="basket_id")


@dataclass
class ItemSimilarity:
    """Fitted item-to-item model: product labels, neighbour similarities, popularity."""

    items_: pd.Index
    similarity_: sparse.csr_matrix
    popularity_: np.ndarray  # baskets per item

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame,
        neighbours: int = NEIGHBOURS,
        alpha: float = 0.5,
        self_weight: float = 1.0,
    ) -> ItemSimilarity:
        """Similarity co(i, j) / (buyers_i^alpha buyers_j^(1 - alpha)): cosine at 0.5, the
        probability of buying j given i at 1; ``self_weight`` is a product's similarity to
        itself (1, as cosine has it)."""
        check_history(history)
        pairs = history[["customer_id", "item", "basket_id"]].drop_duplicates()
        items = pd.Index(np.sort(pairs["item"].unique()))
        customers, customer_codes = np.unique(pairs["customer_id"], return_inverse=True)
        item_codes = items.get_indexer(pairs["item"])
        bought = sparse.csr_matrix(
            (np.ones(len(pairs), dtype=np.float32), (customer_codes, item_codes)),
            shape=(len(customers), len(items)),
        )
        popularity = np.asarray(bought.sum(axis=0)).ravel()  # baskets holding the item
        bought.sum_duplicates()
        bought.data[:] = 1.0
        buyers = np.asarray(bought.sum(axis=0)).ravel()
        co = (bought.T @ bought).tocsr()  # items × items, customers in common
        buyers = np.maximum(buyers, 1.0)
        co = sparse.diags(buyers**-alpha) @ co @ sparse.diags(buyers ** (alpha - 1))
        co = (co + sparse.diags(self_weight - co.diagonal())).tocsr()  # self-similarity
        return cls(items, _top_per_row(co, neighbours), popularity)

    def weights(self, history: pd.DataFrame) -> tuple[np.ndarray, sparse.csr_matrix]:
        """Customers (sorted ids) and what they bought: log(1 + baskets holding the item)."""
        pairs = history[["customer_id", "item", "basket_id"]].drop_duplicates()
        pairs = pairs[self.items_.get_indexer(pairs["item"]) >= 0]
        customers, customer_codes = np.unique(pairs["customer_id"], return_inverse=True)
        weights = sparse.csr_matrix(
            (
                np.ones(len(pairs), dtype=np.float32),
                (customer_codes, self.items_.get_indexer(pairs["item"])),
            ),
            shape=(len(customers), len(self.items_)),
        )
        weights.sum_duplicates()
        weights.data = np.log1p(weights.data)
        return customers, weights


def _top_per_row(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's ``keep`` largest entries (a row is a product's neighbourhood)."""
    rows, cols, values = [], [], []
    for r in range(matrix.shape[0]):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        data, index = matrix.data[start:end], matrix.indices[start:end]
        if len(data) > keep:
            chosen = np.argpartition(-data, keep)[:keep]
            data, index = data[chosen], index[chosen]
        rows.append(np.full(len(data), r))
        cols.append(index)
        values.append(data)
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=matrix.shape,
    )


def recommend(
    history: pd.DataFrame,
    k: int = 10,
    stock: pd.DataFrame | None = None,
    margins: pd.Series | None = None,
    replenishment: set | None = None,
    model: ItemSimilarity | None = None,
) -> pd.DataFrame:
    """Top ``k`` products per customer: ``customer_id, rank, item, score``.

    ``stock``: ``store_id, item, stock_on_hand_qty`` (today's stock); each customer's usual
    store is the one with most of their baskets (needs ``store_id`` in ``history``).
    ``margins``: margin per item (index item), for ties. ``replenishment``: items that may be
    offered again right after being bought (default: ``replenishment_items(history)``).
    """
    check_history(history)
    model = model or ItemSimilarity.fit(history)
    replenishment = replenishment_items(history) if replenishment is None else replenishment
    customers, weights = model.weights(history)
    items = model.items_
    blocked = _blocked_by_last_basket(history, items, replenishment)
    unavailable = _unavailable_at_usual_store(history, items, stock)
    margin = (
        margins.reindex(items).fillna(-np.inf).to_numpy(float)
        if margins is not None
        else np.zeros(len(items))
    )
    popular = np.lexsort((-margin, -model.popularity_))
    rows = []
    for row, customer in enumerate(customers):
        if row % SCORE_CHUNK == 0:  # scores for a chunk of customers at a time: bounded memory
            scores = (weights[row : row + SCORE_CHUNK] @ model.similarity_).tocsr()
            scores.sort_indices()
        start, end = scores.indptr[row % SCORE_CHUNK], scores.indptr[row % SCORE_CHUNK + 1]
        candidates, values = scores.indices[start:end], scores.data[start:end]
        excluded = blocked.get(customer, set()) | unavailable.get(customer, set())
        chosen = _top(candidates, np.round(values, SCORE_DECIMALS), margin, excluded, k)
        if len(chosen) < k:
            taken = set(chosen.tolist()) | excluded
            extra = [i for i in popular[: k + len(taken)] if i not in taken][: k - len(chosen)]
            chosen = np.concatenate([chosen, np.asarray(extra, dtype=int)])
        where = np.minimum(np.searchsorted(candidates, chosen), max(len(candidates) - 1, 0))
        scored = (candidates[where] == chosen) if len(candidates) else np.zeros(len(chosen), bool)
        chosen_scores = np.where(scored, values[where] if len(values) else 0.0, 0.0)
        rows.extend(
            (customer, rank, items[item], float(score))
            for rank, (item, score) in enumerate(zip(chosen, chosen_scores, strict=True), start=1)
        )
    return pd.DataFrame(rows, columns=["customer_id", "rank", "item", "score"])


def _top(candidates, values, margin, excluded, k) -> np.ndarray:
    if excluded:
        keep = ~np.isin(candidates, np.fromiter(excluded, dtype=int, count=len(excluded)))
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -margin[candidates], -values))[:k]
    return candidates[order]


def _blocked_by_last_basket(history, items: pd.Index, replenishment: set) -> dict:
    last = last_baskets(history)
    last = last[~last["item"].isin(replenishment)]
    codes = items.get_indexer(last["item"])
    last = last.assign(code=codes)[codes >= 0]
    return last.groupby("customer_id")["code"].agg(set).to_dict()


def _unavailable_at_usual_store(history, items: pd.Index, stock) -> dict:
    """Per customer, the items not in stock at their usual store."""
    if stock is None:
        return {}
    if "store_id" not in history.columns:
        raise ValueError("para filtrar por stock el historial necesita la columna store_id")
    visits = history.drop_duplicates("basket_id").groupby(["customer_id", "store_id"]).size()
    usual = (
        visits.rename("n")
        .reset_index()
        .sort_values(["customer_id", "n", "store_id"], ascending=[True, False, True])
        .drop_duplicates("customer_id")
    )
    in_stock = stock[stock["stock_on_hand_qty"] > 0]
    available = in_stock.groupby("store_id")["item"].agg(set).to_dict()
    all_codes = set(range(len(items)))
    missing_by_store = {
        store: all_codes - {c for c in items.get_indexer(list(held)) if c >= 0}
        for store, held in available.items()
    }
    return {
        customer: missing_by_store.get(store, all_codes)
        for customer, store in zip(usual["customer_id"], usual["store_id"], strict=True)
    }
