"""Item-to-item similarity: two products are similar when the same customers buy both.

Cosine over the customer × product matrix, each product keeping its ``NEIGHBOURS`` most
similar. A customer's score for a product is the sum of its similarity to what they bought,
each bought product weighted by log(1 + baskets holding it); a product counts as similar to
itself, so what a customer buys again and again scores high (Online Retail's customers re-order
their own products).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ml.recommendations.history import check_history

NEIGHBOURS = 50


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

    def scores(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Customers × items scores from ``counts`` (customers × items, baskets holding each
        item): what they bought, weighted log(1 + baskets), times the similarities."""
        weights = counts.astype(np.float64, copy=True)
        weights.data = np.log1p(weights.data)
        return (weights @ self.similarity_).toarray()


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
