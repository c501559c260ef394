"""Offline evaluation: hide each customer's last basket, recommend from the rest.

Hit rate@k is the share of evaluated customers with at least one recommended product in their
hidden basket; recall@k, the mean share of their hidden basket's products that were
recommended. The popularity baseline (the most bought products, under the same exclusion of
what the customer just bought) is scored on the same split in the same run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.recommendations.next_products import (
    ItemSimilarity,
    check_history,
    last_baskets,
    recommend,
    replenishment_items,
)


def split_last_basket(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, hidden): the hidden part is the last basket of every customer with at least
    two baskets; everything else trains."""
    check_history(history)
    baskets_per_customer = history.groupby("customer_id")["basket_id"].nunique()
    repeat = baskets_per_customer[baskets_per_customer >= 2].index
    hidden = last_baskets(history[history["customer_id"].isin(repeat)])
    train = history[~history["basket_id"].isin(hidden["basket_id"].unique())]
    return train, hidden


def popularity_recommendations(
    train: pd.DataFrame, customers, k: int, replenishment: set
) -> pd.DataFrame:
    """The ``k`` most bought products (baskets) for every customer, minus what they just
    bought unless it is a replenishment item."""
    popularity = train.groupby("item")["basket_id"].nunique().sort_values(ascending=False)
    ranked = list(popularity.index)
    last = last_baskets(train[train["customer_id"].isin(customers)])
    last = last[~last["item"].isin(replenishment)]
    blocked = last.groupby("customer_id")["item"].agg(set).to_dict()
    rows = []
    for customer in customers:
        excluded = blocked.get(customer, set())
        chosen = [i for i in ranked[: k + len(excluded)] if i not in excluded][:k]
        rows.extend((customer, rank, item) for rank, item in enumerate(chosen, start=1))
    return pd.DataFrame(rows, columns=["customer_id", "rank", "item"])


def score_recommendations(recommended: pd.DataFrame, hidden: pd.DataFrame, k: int) -> dict:
    """Hit rate@k and recall@k of ``recommended`` against the hidden baskets."""
    truth = hidden[["customer_id", "item"]].drop_duplicates()
    top = recommended[recommended["rank"] <= k][["customer_id", "item"]].drop_duplicates()
    hits = truth.merge(top, on=["customer_id", "item"]).groupby("customer_id").size()
    sizes = truth.groupby("customer_id").size()
    hits = hits.reindex(sizes.index, fill_value=0)
    return {
        "customers": len(sizes),
        f"hit_rate@{k}": float((hits > 0).mean()),
        f"recall@{k}": float((hits / sizes).mean()),
    }


def evaluate_recommendations(history: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """Item similarity and popularity on the same last-basket split: one row each (index and
    column ``model``: ``similitud``, ``popularidad``) with the number of customers evaluated,
    ``hit_rate@k`` and ``recall@k``."""
    train, hidden = split_last_basket(history)
    customers = np.sort(hidden["customer_id"].unique())
    replenishment = replenishment_items(train)
    train_of_evaluated = train[train["customer_id"].isin(customers)]
    model = ItemSimilarity.fit(train)
    ours = recommend(train_of_evaluated, k=k, replenishment=replenishment, model=model)
    baseline = popularity_recommendations(train, customers, k, replenishment)
    rows = {
        "similitud": score_recommendations(ours, hidden, k),
        "popularidad": score_recommendations(baseline, hidden, k),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.insert(0, "model", frame.index)
    return frame
