"""The next products to offer each customer, from their purchase history.

The scores come from ``NextProducts`` (item-to-item similarity blended with the customer's
department taste and what sells now, ``ml.recommendations.blend``). Then the shop's rules:

- what the customer's last basket held is not offered again, unless it is a replenishment item
  (one that many of its buyers buy again: ``replenishment_items``);
- never a product out of stock (or not carried) at the customer's usual store, when stock is
  given;
- equal scores are ordered by margin, highest first.

History columns: ``customer_id, basket_id, ds, item`` and optionally ``store_id`` (for the
stock rule) and ``group`` (the product's department, for the taste).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.recommendations.blend import NextProducts, fit_next_products
from ml.recommendations.history import basket_counts, check_history, last_baskets
from ml.recommendations.history import replenishment_items as replenishment_items

SCORE_DECIMALS = 9  # scores equal to this many decimals are ties (broken by margin)
SCORE_CHUNK = 1000  # customers scored at once: bounded memory


def recommend(
    history: pd.DataFrame,
    k: int = 10,
    stock: pd.DataFrame | None = None,
    margins: pd.Series | None = None,
    replenishment: set | None = None,
    model: NextProducts | None = None,
) -> pd.DataFrame:
    """Top ``k`` products per customer: ``customer_id, rank, item, score``.

    ``stock``: ``store_id, item, stock_on_hand_qty`` (today's stock); each customer's usual
    store is the one with most of their baskets (needs ``store_id`` in ``history``).
    ``margins``: margin per item (index item), for ties. ``replenishment``: items that may be
    offered again right after being bought (default: ``replenishment_items(history)``).
    ``model``: fitted on ``history`` when not given.
    """
    check_history(history)
    model = model or fit_next_products(history, k=k)
    replenishment = replenishment_items(history) if replenishment is None else replenishment
    items = model.items_
    customers, counts = basket_counts(history, items)
    blocked = _blocked_by_last_basket(history, items, replenishment)
    unavailable = _unavailable_at_usual_store(history, items, stock)
    margin = (
        margins.reindex(items).fillna(-np.inf).to_numpy(float)
        if margins is not None
        else np.zeros(len(items))
    )
    rows = []
    for start in range(0, len(customers), SCORE_CHUNK):
        scores = model.scores(counts[start : start + SCORE_CHUNK])
        for row, customer in enumerate(customers[start : start + SCORE_CHUNK]):
            values = scores[row].copy()
            values[list(blocked.get(customer, ()))] = -np.inf
            if customer in unavailable:
                values[unavailable[customer]] = -np.inf
            chosen = _top(np.round(values, SCORE_DECIMALS), margin, k)
            rows.extend(
                (customer, rank, items[item], float(values[item]))
                for rank, item in enumerate(chosen, start=1)
            )
    return pd.DataFrame(rows, columns=["customer_id", "rank", "item", "score"])


def _top(values: np.ndarray, margin: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best offerable items: highest score, then highest margin, then label order."""
    candidates = np.flatnonzero(np.isfinite(values))
    if len(candidates) > k:  # everything scoring at least the k-th best (ties included)
        kth = np.partition(values[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[values[candidates] >= kth]
    order = np.lexsort((candidates, -margin[candidates], -values[candidates]))[:k]
    return candidates[order]


def _blocked_by_last_basket(history, items: pd.Index, replenishment: set) -> dict:
    last = last_baskets(history)
    last = last[~last["item"].isin(replenishment)]
    codes = items.get_indexer(last["item"])
    last = last.assign(code=codes)[codes >= 0]
    return last.groupby("customer_id")["code"].agg(set).to_dict()


def _unavailable_at_usual_store(history, items: pd.Index, stock) -> dict:
    """Per customer, a mask of the items not in stock at their usual store."""
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
    available = in_stock.groupby("store_id")["item"].agg(list).to_dict()
    missing_by_store = {}
    for store, held in available.items():
        codes = items.get_indexer(held)
        missing = np.ones(len(items), dtype=bool)
        missing[codes[codes >= 0]] = False
        missing_by_store[store] = missing
    nothing_held = np.ones(len(items), dtype=bool)
    return {
        customer: missing_by_store.get(store, nothing_held)
        for customer, store in zip(usual["customer_id"], usual["store_id"], strict=True)
    }
