"""Offline evaluation: hide each customer's last basket, recommend from the rest.

Hit rate@k is the share of evaluated customers with at least one recommended product in their
hidden basket; recall@k, the mean share of their hidden basket's products that were
recommended. Beside the model (``modelo``, the blend ``fit_next_products`` chose on an inner
split of the training part only), on the same split in the same run: item similarity alone
(``similitud``), the popularity baseline (``popularidad``: the most bought products) and recent
popularity (``popularidad_reciente``: baskets weighted by age with the half-life the inner split
chose, the stronger baseline a chain with seasons asks for). Every one of them obeys the same
rule: nothing from the customer's last basket unless it is a replenishment item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.recommendations.history import last_baskets, replenishment_items, split_last_basket
from ml.recommendations.next_products import fit_next_products, recommend


def popularity_recommendations(
    train: pd.DataFrame, customers, k: int, replenishment: set, weights: pd.Series | None = None
) -> pd.DataFrame:
    """The ``k`` most bought products (baskets, or ``weights`` per item when given) for every
    customer, minus what they just bought unless it is a replenishment item."""
    popularity = train.groupby("item")["basket_id"].nunique()
    if weights is not None:
        popularity = weights.reindex(popularity.index, fill_value=0.0) + 1e-9 * popularity
    ranked = list(popularity.sort_values(ascending=False, kind="stable").index)
    last = last_baskets(train[train["customer_id"].isin(customers)])
    last = last[~last["item"].isin(replenishment)]
    blocked = last.groupby("customer_id")["item"].agg(set).to_dict()
    rows = []
    for customer in customers:
        excluded = blocked.get(customer, set())
        chosen = [i for i in ranked[: k + len(excluded)] if i not in excluded][:k]
        rows.extend((customer, rank, item) for rank, item in enumerate(chosen, start=1))
    return pd.DataFrame(rows, columns=["customer_id", "rank", "item"])


def recent_popularity(train: pd.DataFrame, half_life_days: float | None) -> pd.Series | None:
    """Baskets per item, each weighted 0.5^(age in days / half-life) at the last day."""
    if half_life_days is None:
        return None
    lines = train.drop_duplicates(["basket_id", "item"])
    age = (lines["ds"].max() - lines["ds"]).dt.total_seconds() / 86400
    return (0.5 ** (age / half_life_days)).groupby(lines["item"]).sum()


def hidden_items_found(recommended: pd.DataFrame, hidden: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per evaluated customer: ``found`` (hidden items among the top ``k``) and ``size``."""
    truth = hidden[["customer_id", "item"]].drop_duplicates()
    top = recommended[recommended["rank"] <= k][["customer_id", "item"]].drop_duplicates()
    found = truth.merge(top, on=["customer_id", "item"]).groupby("customer_id").size()
    sizes = truth.groupby("customer_id").size()
    return pd.DataFrame({"found": found.reindex(sizes.index, fill_value=0), "size": sizes})


def score_recommendations(recommended: pd.DataFrame, hidden: pd.DataFrame, k: int) -> dict:
    """Hit rate@k and recall@k of ``recommended`` against the hidden baskets."""
    per_customer = hidden_items_found(recommended, hidden, k)
    return {
        "customers": len(per_customer),
        f"hit_rate@{k}": float((per_customer["found"] > 0).mean()),
        f"recall@{k}": float((per_customer["found"] / per_customer["size"]).mean()),
    }


def evaluate_recommendations(history: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """The model, similarity alone, popularity and recent popularity on the same last-basket
    split: one row each (index and column ``model``) with the number of customers evaluated,
    ``hit_rate@k`` and ``recall@k``; ``attrs["card"]`` says how the blend was chosen and
    ``attrs["hits"]`` holds, per evaluated customer, whether each one hit (for paired tests)."""
    train, hidden = split_last_basket(history)
    customers = np.sort(hidden["customer_id"].unique())
    replenishment = replenishment_items(train)
    train_of_evaluated = train[train["customer_id"].isin(customers)]
    model = fit_next_products(train, k=k)
    half_life = model.card["chosen"]["half_life_days"]

    def ours(weight: float) -> pd.DataFrame:
        fitted = model.with_weight(weight)
        return recommend(train_of_evaluated, k=k, replenishment=replenishment, model=fitted)

    recent = recent_popularity(train, half_life)
    recommended = {
        "modelo": ours(model.similarity_weight),
        "similitud": ours(1.0),
        "popularidad": popularity_recommendations(train, customers, k, replenishment),
        "popularidad_reciente": popularity_recommendations(
            train, customers, k, replenishment, recent
        ),
    }
    frame = pd.DataFrame.from_dict(
        {name: score_recommendations(recs, hidden, k) for name, recs in recommended.items()},
        orient="index",
    )
    frame.insert(0, "model", frame.index)
    frame.attrs["card"] = model.card
    found = {name: hidden_items_found(r, hidden, k)["found"] for name, r in recommended.items()}
    frame.attrs["hits"] = pd.DataFrame(found) > 0
    return frame
