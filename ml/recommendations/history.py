"""A customer's purchase history: its columns, each customer's last basket, the items bought
again and again, and the last-basket split that evaluation and blend selection share.

History columns: ``customer_id, basket_id, ds, item`` and optionally ``store_id`` and ``group``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

HISTORY_COLUMNS = ("customer_id", "basket_id", "ds", "item")
REPEAT_SHARE = 0.25  # a replenishment item: at least one buyer in four bought it twice or more


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


def split_last_basket(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, hidden): the hidden part is the last basket of every customer with at least
    two baskets; everything else trains."""
    check_history(history)
    baskets_per_customer = history.groupby("customer_id")["basket_id"].nunique()
    repeat = baskets_per_customer[baskets_per_customer >= 2].index
    hidden = last_baskets(history[history["customer_id"].isin(repeat)])
    train = history[~history["basket_id"].isin(hidden["basket_id"].unique())]
    return train, hidden


def basket_counts(history: pd.DataFrame, items: pd.Index) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Customers (sorted ids) × ``items``: how many of the customer's baskets held the item
    (items outside ``items`` are left out)."""
    pairs = history[["customer_id", "item", "basket_id"]].drop_duplicates()
    codes = items.get_indexer(pairs["item"])
    pairs, codes = pairs[codes >= 0], codes[codes >= 0]
    customers, customer_codes = np.unique(pairs["customer_id"], return_inverse=True)
    counts = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.float32), (customer_codes, codes)),
        shape=(len(customers), len(items)),
    )
    counts.sum_duplicates()
    return customers, counts
