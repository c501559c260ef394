"""Recommendations: what goes with what, and what to offer each customer next.

- ``association_rules(baskets, min_support=0.001, min_confidence=0.1, min_lift=1.5,
  min_baskets=5)``: ``baskets`` ``basket_id, item`` → rules ``antecedent, consequent, support,
  confidence, lift, baskets, antecedent_support, consequent_support``, best lift first;
  ``complements(rules, top=5)``: per product, its best complements.
- ``recommend(history, k=10, stock=None, margins=None, replenishment=None)``: ``history``
  ``customer_id, basket_id, ds, item`` (+ ``store_id`` for the stock rule) → ``customer_id,
  rank, item, score``. Item-to-item similarity; nothing from the customer's last basket unless
  it is a replenishment item (``replenishment_items``); nothing out of stock at the customer's
  usual store (``stock``: ``store_id, item, stock_on_hand_qty``); ties by ``margins``.
- ``evaluate_recommendations(history, k=10)``: last basket of each customer hidden, hit rate@k
  and recall@k of ``similitud`` beside ``popularidad`` on the same split.
"""

from ml.recommendations.evaluation import evaluate_recommendations, split_last_basket
from ml.recommendations.next_products import ItemSimilarity, recommend, replenishment_items
from ml.recommendations.rules import association_rules, complements

__all__ = [
    "ItemSimilarity",
    "association_rules",
    "complements",
    "evaluate_recommendations",
    "recommend",
    "replenishment_items",
    "split_last_basket",
]
