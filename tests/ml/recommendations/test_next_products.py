"""Next products per customer: better than popularity on the last-basket split (planted tastes
and Online Retail), and the shop's rules: nothing just bought unless replenished, nothing out
of stock at the usual store, ties by margin."""

from __future__ import annotations

import pandas as pd

from erp_core.paths import REAL_DATA_DIR
from ml.recommendations import evaluate_recommendations, recommend
from tests.ml.recommendations.synthetic import taste_baskets

DAY = pd.Timestamp("2026-03-01")


def test_recommendations_beat_popularity_on_planted_tastes():
    history, _ = taste_baskets()
    scores = evaluate_recommendations(history, k=10)

    ours, popular = scores.loc["similitud"], scores.loc["popularidad"]
    assert ours["customers"] == popular["customers"] == 400
    assert ours["hit_rate@10"] >= 1.5 * popular["hit_rate@10"]
    assert ours["recall@10"] > popular["recall@10"]


def test_recommendations_beat_popularity_on_online_retail():
    raw = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    raw = raw[raw["CustomerID"].notna() & ~raw["InvoiceNo"].str.startswith("C")]
    customers = raw["CustomerID"].drop_duplicates().sample(1000, random_state=0)
    raw = raw[raw["CustomerID"].isin(customers) & (raw["Quantity"] > 0)]
    history = pd.DataFrame(
        {
            "customer_id": raw["CustomerID"].astype(int),
            "basket_id": raw["InvoiceNo"],
            "ds": raw["InvoiceDate"],
            "item": raw["StockCode"],
        }
    )
    scores = evaluate_recommendations(history, k=10)

    assert scores.loc["similitud", "hit_rate@10"] > 1.2 * scores.loc["popularidad", "hit_rate@10"]
    assert scores.loc["similitud", "recall@10"] > scores.loc["popularidad", "recall@10"]


def small_history() -> pd.DataFrame:
    """Customers 1-3 buy arroz every time; 1 last bought aceite and detergente; 3 shops at
    store 2, the others at store 1."""
    rows = []
    for customer in (1, 2, 3):
        store = 2 if customer == 3 else 1
        for visit in range(4):
            basket = customer * 10 + visit
            day = DAY + pd.Timedelta(days=7 * visit)
            rows.append((customer, basket, day, "arroz", store))
            rows.append((customer, basket, day, "aceite" if visit % 2 else "azucar", store))
    rows += [(1, 99, DAY + pd.Timedelta(days=40), i, 1) for i in ("arroz", "aceite", "detergente")]
    rows += [(2, 98, DAY + pd.Timedelta(days=40), "detergente", 2)]
    rows += [(2, 97, DAY + pd.Timedelta(days=41), "lejia", 2)]
    rows += [(2, 96, DAY + pd.Timedelta(days=42), "lejia", 1)]
    return pd.DataFrame(rows, columns=["customer_id", "basket_id", "ds", "item", "store_id"])


def test_what_was_just_bought_is_offered_again_only_if_it_is_replenished():
    recs = recommend(small_history(), k=10, replenishment={"arroz"})
    first = recs[recs["customer_id"] == 1]

    assert "arroz" in set(first["item"])  # replenishment: bought every week
    assert not {"aceite", "detergente"} & set(first["item"])  # in the last basket
    assert first["rank"].tolist() == list(range(1, len(first) + 1))


def test_nothing_out_of_stock_at_the_usual_store_is_offered():
    stock = pd.DataFrame(
        [(1, "arroz", 0.0), (1, "azucar", 5.0), (1, "lejia", 3.0), (2, "arroz", 9.0)],
        columns=["store_id", "item", "stock_on_hand_qty"],
    )
    recs = recommend(small_history(), k=10, stock=stock, replenishment={"arroz"})

    # store 1: arroz out of stock, aceite and detergente not carried
    store_1 = recs[recs["customer_id"].isin([1, 2])]
    assert len(store_1) > 0 and set(store_1["item"]) <= {"azucar", "lejia"}
    # customer 2 just bought lejia (not a replenishment item): only azucar is left
    assert recs[recs["customer_id"] == 2]["item"].tolist() == ["azucar"]
    # store 2 holds only arroz, which customer 3 buys every week
    assert recs[recs["customer_id"] == 3]["item"].tolist() == ["arroz"]


def test_equal_scores_are_ordered_by_margin():
    history = pd.DataFrame(
        [(1, 1, DAY, "a"), (2, 2, DAY, "b"), (3, 3, DAY, "c"), (4, 4, DAY, "d")],
        columns=["customer_id", "basket_id", "ds", "item"],
    )
    margins = pd.Series({"a": 1.0, "b": 5.0, "c": 3.0, "d": 0.5})
    recs = recommend(history, k=3, margins=margins, replenishment=set())

    # customer 4 just bought d; a, b, c score the same (nothing in common): by margin
    assert recs[recs["customer_id"] == 4]["item"].tolist() == ["b", "c", "a"]
