"""Recommendations: what goes with what, and what to offer each customer next.

- ``association_rules(baskets, min_support=0.001, min_confidence=0.1, min_lift=1.5,
  min_baskets=5)``: ``baskets`` ``basket_id, item`` → rules ``antecedent, consequent, support,
  confidence, lift, baskets, antecedent_support, consequent_support``, best lift first;
  ``complements(rules, top=5)``: per product, its best complements.
- ``recommend(history, k=10, stock=None, margins=None, replenishment=None, model=None)``:
  ``history`` ``customer_id, basket_id, ds, item`` (+ ``store_id`` for the stock rule,
  + ``group``, the product's department, for the taste) → ``customer_id, rank, item, score``.
  Item-to-item similarity blended with department taste × recent popularity
  (``fit_next_products``: the blend chosen on inner last-basket folds; ``fit_blend`` with a
  blend already chosen, e.g. ``chosen_blend(card)``); nothing from the customer's last basket
  unless it is a replenishment item (``replenishment_items``); nothing out of stock at the
  customer's usual store (``stock``: ``store_id, item, stock_on_hand_qty``); ties by
  ``margins``.
- ``evaluate_recommendations(history, k=10)``: last basket of each customer hidden, hit rate@k
  and recall@k of ``modelo``, ``similitud``, ``popularidad`` and ``popularidad_reciente`` on
  the same split.
"""

from ml.recommendations.blend import (
    Blend,
    NextProducts,
    chosen_blend,
    fit_blend,
    fit_next_products,
)
from ml.recommendations.evaluation import evaluate_recommendations
from ml.recommendations.history import replenishment_items, split_last_basket
from ml.recommendations.next_products import recommend
from ml.recommendations.rules import association_rules, complements
from ml.recommendations.similarity import ItemSimilarity
from ml.recommendations.taste import GroupTaste

__all__ = [
    "Blend",
    "GroupTaste",
    "ItemSimilarity",
    "NextProducts",
    "association_rules",
    "chosen_blend",
    "complements",
    "evaluate_recommendations",
    "fit_blend",
    "fit_next_products",
    "recommend",
    "replenishment_items",
    "split_last_basket",
]
