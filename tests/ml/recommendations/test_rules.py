"""Association rules: the planted complementary pairs come first, the figures are the counts a
person would make, and real grocery baskets give sensible rules."""

from __future__ import annotations

import pandas as pd
import pytest

from erp_core.paths import REAL_DATA_DIR
from ml.recommendations import association_rules, complements
from tests.ml.recommendations.synthetic import PAIRS, taste_baskets


def test_the_planted_complementary_pairs_rank_among_the_top_rules():
    baskets, _ = taste_baskets()
    rules = association_rules(baskets[["basket_id", "item"]])

    head = rules.head(2 * len(PAIRS))  # both directions of every pair, before anything else
    top = set(zip(head["antecedent"], head["consequent"], strict=True))
    for a, b in PAIRS:
        assert (a, b) in top and (b, a) in top
    best = complements(rules, top=3).set_index(["antecedent", "rank"])
    for a, b in PAIRS:
        assert best.loc[(a, 1), "consequent"] == b


def test_support_confidence_and_lift_are_the_hand_counts():
    baskets = pd.DataFrame(
        [(1, "pan"), (1, "mantequilla"), (2, "pan"), (2, "mantequilla"), (3, "pan"), (3, "leche"),
         (4, "leche"), (5, "leche"), (5, "pan"), (5, "pan")],
        columns=["basket_id", "item"],
    )  # fmt: skip
    rules = association_rules(baskets, min_support=0.0, min_confidence=0.0, min_lift=0.0,
                              min_baskets=1).set_index(["antecedent", "consequent"])  # fmt: skip

    butter = rules.loc[("mantequilla", "pan")]
    assert butter["support"] == pytest.approx(2 / 5) and butter["baskets"] == 2
    assert butter["confidence"] == pytest.approx(1.0)
    assert butter["lift"] == pytest.approx(1.0 / (4 / 5))  # pan in 4 of 5 baskets, once each
    bread = rules.loc[("pan", "mantequilla")]
    assert bread["confidence"] == pytest.approx(2 / 4) and bread["lift"] == pytest.approx(1.25)
    strict = association_rules(baskets, min_support=0.0, min_confidence=0.0, min_lift=1.2,
                               min_baskets=2)  # fmt: skip
    assert set(zip(strict["antecedent"], strict["consequent"], strict=True)) == {
        ("pan", "mantequilla"),
        ("mantequilla", "pan"),
    }


def test_grocery_baskets_give_rules_that_hold_on_a_direct_count():
    groceries = pd.read_parquet(REAL_DATA_DIR / "groceries_baskets.parquet")
    baskets = groceries.rename(columns={"transaction_id": "basket_id"})[["basket_id", "item"]]

    rules = association_rules(baskets)

    assert len(rules) > 100
    assert (rules["lift"] >= 1.5).all() and (rules["confidence"] >= 0.1).all()
    assert (rules["baskets"] >= 10).all()  # 0.1 % of 9,835 baskets
    first = rules.iloc[0]
    holding = baskets.groupby("basket_id")["item"].agg(set)
    with_a = holding.map(lambda s: first["antecedent"] in s)
    with_both = holding.map(lambda s: {first["antecedent"], first["consequent"]} <= s)
    assert first["confidence"] == pytest.approx(with_both.sum() / with_a.sum())
    assert first["support"] == pytest.approx(with_both.mean())
