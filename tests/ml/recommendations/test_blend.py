"""The blend of similarity and department taste is chosen on the training history alone, and
it follows the shop: customers who re-buy their own products get similarity, customers whose
baskets follow a department taste get taste."""

from __future__ import annotations

import pandas as pd

from ml.recommendations import (
    GroupTaste,
    chosen_blend,
    evaluate_recommendations,
    fit_blend,
    fit_next_products,
    recommend,
)
from ml.recommendations.history import basket_counts, last_baskets
from tests.ml.recommendations.synthetic import department_baskets, taste_baskets


def test_customers_who_rebuy_their_own_products_get_mostly_similarity():
    history, _ = taste_baskets()
    model = fit_next_products(history)

    assert model.card["chosen"]["por"] == "validación interna"
    assert model.similarity_weight >= 0.5


def test_baskets_drawn_from_a_department_taste_beat_popularity():
    history = department_baskets()
    scores = evaluate_recommendations(history, k=10)

    assert scores.loc["modelo", "hit_rate@10"] > 1.15 * scores.loc["popularidad", "hit_rate@10"]
    assert scores.loc["modelo", "recall@10"] > scores.loc["popularidad", "recall@10"]


def test_taste_ranks_the_customers_department_first_by_recent_popularity():
    day = pd.Timestamp("2026-03-01")
    rows = [(1, 1, day, "galleta", "Snacks"), (1, 2, day, "chocolate", "Snacks")]
    rows += [(2, 10 + b, day, "arroz", "Abarrotes") for b in range(6)]  # the chain's favourite
    rows += [(3, 20, day - pd.Timedelta(days=60), "caramelo", "Snacks")]  # popular long ago
    rows += [(3, 21 + b, day, "chocolate", "Snacks") for b in range(2)]
    history = pd.DataFrame(rows, columns=["customer_id", "basket_id", "ds", "item", "group"])
    items = pd.Index(sorted(history["item"].unique()))
    _, counts = basket_counts(history, items)

    taste = GroupTaste.fit(history, items, half_life_days=7, prior=1.0)
    first = pd.Series(taste.scores(counts)[0], index=items).sort_values(ascending=False)
    # snacks first, the one selling now ahead; a snack nobody bought for two months comes
    # after the chain's staple from another department
    assert first.index.tolist() == ["chocolate", "galleta", "arroz", "caramelo"]


def test_the_blend_is_chosen_without_seeing_the_hidden_baskets():
    history = department_baskets(customers=200)
    hidden = last_baskets(history)
    scrambled = history.copy()
    in_hidden = scrambled["basket_id"].isin(hidden["basket_id"])
    scrambled.loc[in_hidden, "item"] = (
        scrambled.loc[in_hidden, "item"].sample(frac=1.0, random_state=1).to_numpy()
    )

    original = evaluate_recommendations(history, k=10).attrs["card"]
    changed = evaluate_recommendations(scrambled, k=10).attrs["card"]
    assert changed == original


def test_shopper_kinds_tell_which_product_of_a_shared_department_each_kind_prefers():
    """Students (school supplies) drink isotonics, families (groceries) drink soda; soda sells
    more overall. A student is offered the isotonic first once the taste tells kinds apart."""
    day = pd.Timestamp("2026-03-01")
    rows, basket = [], 0
    for customer in range(1, 121):
        student = customer <= 40
        for visit in range(4):
            basket += 1
            own = ("cuaderno", "Útiles") if student else ("arroz", "Abarrotes")
            drink = ("isotonica", "Bebidas") if student else ("gaseosa", "Bebidas")
            rows += [(customer, basket, day + pd.Timedelta(days=visit), *own)]
            rows += [(customer, basket, day + pd.Timedelta(days=visit), *drink)]
    history = pd.DataFrame(rows, columns=["customer_id", "basket_id", "ds", "item", "group"])
    items = pd.Index(sorted(history["item"].unique()))
    new_student = pd.DataFrame([(999, 1, day, "cuaderno", "Útiles")], columns=history.columns)
    _, counts = basket_counts(new_student, items)

    def drinks(kinds: int) -> list[str]:
        taste = GroupTaste.fit(history, items, kinds=kinds)
        scores = pd.Series(taste.scores(counts)[0], index=items)
        return scores[["gaseosa", "isotonica"]].sort_values(ascending=False).index.tolist()

    assert drinks(kinds=1) == ["gaseosa", "isotonica"]
    assert drinks(kinds=2) == ["isotonica", "gaseosa"]


def test_a_model_refitted_with_the_chosen_blend_offers_the_same_products():
    history = department_baskets(customers=150)
    model = fit_next_products(history)

    again = fit_blend(history, chosen_blend(model.card), model.card)
    pd.testing.assert_frame_equal(recommend(history, model=model), recommend(history, model=again))
