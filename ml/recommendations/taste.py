"""What a customer's kind of shopper buys these days: their share of each product group
(a department), shrunk toward the chain's, times each product's recent popularity within its
group among shoppers of their kind.

Three signals item-to-item similarity misses on a chain whose customers do not re-buy their own
products: what is selling now (season, launches, promotions: popularity with the weight of a
basket halving every ``half_life_days``); which departments this customer fills baskets from (a
student's school supplies, a family's groceries), estimated from few baskets by shrinking
toward the mix of their kind of shopper with ``prior`` pseudo-baskets; and which products
inside a department their kind prefers. Kinds are ``kinds`` groups of customers by department
mix (K-means); a kind's popularity is shrunk toward the chain's with ``KIND_PRIOR_LINES``
pseudo-lines; with one kind, the kind is the chain.

History columns: ``customer_id, basket_id, ds, item`` and optionally ``group`` (the product's
department); without it every product is in one group and the taste is recent popularity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.vq import kmeans2

PRIOR_BASKETS = 10.0
KIND_PRIOR_LINES = 20.0
MIN_CUSTOMERS_PER_KIND = 20


@dataclass
class TasteLines:
    """A history's lines prepared once for several taste fits (the blend's candidates): item
    codes, ages, groups, customers and their basket counts, and the kinds already found."""

    items: pd.Index
    codes: np.ndarray
    age_days: np.ndarray
    line_customer: np.ndarray  # row of each line's customer in ``customers``
    groups: np.ndarray  # group code of each item
    customers: np.ndarray
    counts: sparse.csr_matrix  # customers × items, baskets holding the item
    lines_per_item: np.ndarray
    chain_share: np.ndarray
    found_kinds: dict = field(default_factory=dict)

    @classmethod
    def of(cls, history: pd.DataFrame, items: pd.Index) -> TasteLines:
        lines = history.drop_duplicates(["basket_id", "item"])
        codes = items.get_indexer(lines["item"])
        lines, codes = lines[codes >= 0], codes[codes >= 0]
        customers, line_customer = np.unique(lines["customer_id"], return_inverse=True)
        counts = sparse.csr_matrix(
            (np.ones(len(codes)), (line_customer, codes)), shape=(len(customers), len(items))
        )
        counts.sum_duplicates()
        groups = _groups(history, items)
        lines_per_item = np.bincount(codes, minlength=len(items)).astype(float)
        chain = np.bincount(groups, weights=lines_per_item, minlength=groups.max() + 1)
        return cls(
            items=items,
            codes=codes,
            age_days=(lines["ds"].max() - lines["ds"]).dt.total_seconds().to_numpy() / 86400,
            line_customer=line_customer,
            groups=groups,
            customers=customers,
            counts=counts,
            lines_per_item=lines_per_item,
            chain_share=chain / max(chain.sum(), 1.0),
        )

    def kinds(self, kinds: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(centroids, kind of each customer), or None when one kind or too few customers."""
        if kinds <= 1 or len(self.customers) < MIN_CUSTOMERS_PER_KIND * kinds:
            return None
        if kinds not in self.found_kinds:
            per_group = _per_group(self.counts, self.groups, len(self.chain_share))
            self.found_kinds[kinds] = shopper_kinds(_mix(per_group, self.chain_share), kinds)
        return self.found_kinds[kinds]


@dataclass
class GroupTaste:
    """Fitted taste model: product labels, group of each product, recent popularity."""

    items_: pd.Index
    group_of_: np.ndarray  # group code of each item
    chain_share_: np.ndarray  # share of the chain's basket lines in each group
    kind_share_: np.ndarray  # kinds × groups: share of each kind's lines in each group
    within_: np.ndarray  # kinds × items: item's share of its group's recent popularity
    centroids_: np.ndarray | None  # kinds × groups (department mix), None for one kind
    prior: float
    half_life_days: float | None

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame,
        items: pd.Index,
        half_life_days: float | None = None,
        prior: float = PRIOR_BASKETS,
        kinds: int = 1,
    ) -> GroupTaste:
        """Recent popularity over ``items`` (those ``history`` lacks get a tiny share)."""
        return cls.from_lines(TasteLines.of(history, items), half_life_days, prior, kinds)

    @classmethod
    def from_lines(
        cls,
        lines: TasteLines,
        half_life_days: float | None = None,
        prior: float = PRIOR_BASKETS,
        kinds: int = 1,
    ) -> GroupTaste:
        groups = lines.groups
        weight = np.ones(len(lines.codes))
        if half_life_days:
            weight = 0.5 ** (lines.age_days / half_life_days)
        found = lines.kinds(kinds)
        centroids, kind_of_line = None, np.zeros(len(lines.codes), dtype=int)
        if found is not None:
            centroids, labels = found
            kind_of_line = labels[lines.line_customer]
        recent = np.zeros((len(centroids) if centroids is not None else 1, len(lines.items)))
        np.add.at(recent, (kind_of_line, lines.codes), weight)
        overall = recent.sum(axis=0) + 1e-9 * (lines.lines_per_item + 1)  # nothing scores zero
        overall_within = overall / np.bincount(groups, weights=overall)[groups]
        # a kind's lines plus KIND_PRIOR_LINES of the chain's in each group
        recent = recent + KIND_PRIOR_LINES * overall_within
        per_kind_group = np.stack([np.bincount(groups, weights=row) for row in recent])
        kind_lines = np.zeros((len(recent), len(lines.chain_share)))
        np.add.at(kind_lines, (kind_of_line, groups[lines.codes]), 1.0)
        kind_lines += lines.chain_share  # one chain-mix line: no empty kind
        return cls(
            items_=lines.items,
            group_of_=groups,
            chain_share_=lines.chain_share,
            kind_share_=kind_lines / kind_lines.sum(axis=1, keepdims=True),
            within_=recent / per_kind_group[:, groups],
            centroids_=centroids,
            prior=prior,
            half_life_days=half_life_days,
        )

    def scores(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Customers × items scores from ``counts`` (customers × items, baskets holding each
        item): P(group) for this customer (their own mix shrunk toward their kind's) ×
        P(item | group) among their kind now."""
        per_group = _per_group(counts, self.group_of_, len(self.chain_share_))
        kind = np.zeros(counts.shape[0], dtype=int)
        if self.centroids_ is not None:
            mix = _mix(per_group, self.chain_share_)
            distances = ((mix[:, None, :] - self.centroids_[None, :, :]) ** 2).sum(axis=2)
            kind = distances.argmin(axis=1)
        affinity = (per_group + self.prior * self.kind_share_[kind]) / (
            per_group.sum(axis=1, keepdims=True) + self.prior
        )
        return affinity[:, self.group_of_] * self.within_[kind]


def shopper_kinds(mix: np.ndarray, kinds: int, starts: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """K-means of the customers' department mixes (best of ``starts`` k-means++ seeds):
    centroids and each customer's kind. Seeded, so a refit on the same history agrees."""
    best = None
    for seed in range(starts):
        centroids, labels = kmeans2(mix, kinds, minit="++", seed=seed)
        inertia = float(((mix - centroids[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, centroids, labels)
    return best[1], best[2]


def _per_group(counts: sparse.csr_matrix, groups: np.ndarray, n_groups: int) -> np.ndarray:
    one_hot = sparse.csr_matrix(
        (np.ones(len(groups)), (np.arange(len(groups)), groups)), shape=(len(groups), n_groups)
    )
    return np.asarray((counts @ one_hot).todense())


def _mix(per_group: np.ndarray, chain_share: np.ndarray) -> np.ndarray:
    """Log of each customer's department shares, one chain-mix basket added (no log of 0)."""
    shares = (per_group + chain_share + 1e-9) / (per_group.sum(axis=1, keepdims=True) + 1.0)
    return np.log(shares)


def _groups(history: pd.DataFrame, items: pd.Index) -> np.ndarray:
    """Group code of each item (0 for all when the history has no ``group``)."""
    if "group" not in history.columns:
        return np.zeros(len(items), dtype=int)
    labels = history.drop_duplicates("item").set_index("item")["group"].reindex(items)
    codes, _ = pd.factorize(labels.fillna("(sin grupo)").astype(str), sort=True)
    return codes
