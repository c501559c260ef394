"""K-means with the number of segments chosen by silhouette and stability, and warm restarts
from a previous model so that segments keep their identity between runs.

K-means runs on one thread: scikit-learn's OpenMP threads spin while waiting, and on a busy
2-core machine one thread was 50 times faster (0.14 s against 7.4 s for 859 customers).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

SELECTION_SAMPLE = 4000  # k is chosen on at most this many customers
SILHOUETTE_SAMPLE = 4000
STABILITY_ROUNDS = 3
STABLE_ENOUGH = 0.75
FINAL_STARTS = 6  # mean ARI between refits on resamples


def k_scores(X: np.ndarray, k_range: range, random_state: int = 0) -> list[dict[str, float]]:
    """Silhouette and stability for each k, on at most ``SELECTION_SAMPLE`` customers.

    Stability: K-means fitted on two random halves, both applied to every customer; the mean
    adjusted Rand index between the two labelings over ``STABILITY_ROUNDS`` rounds. A number of
    segments the data really has comes back the same from different halves.
    """
    rng = np.random.default_rng(random_state)
    if len(X) > SELECTION_SAMPLE:
        X = X[rng.choice(len(X), size=SELECTION_SAMPLE, replace=False)]
    with threadpool_limits(1):
        return _scores(X, k_range, rng, random_state)


def _scores(X: np.ndarray, k_range: range, rng, random_state: int) -> list[dict[str, float]]:
    n = len(X)
    sample = rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False)
    scores = []
    for k in k_range:
        if k >= n:
            break
        model = KMeans(k, n_init=4, random_state=random_state).fit(X)
        silhouette = float(silhouette_score(X[sample], model.labels_[sample]))
        agreements = []
        for round_ in range(STABILITY_ROUNDS):
            order = rng.permutation(n)
            halves = order[: n // 2], order[n // 2 :]
            labelings = [
                KMeans(k, n_init=2, random_state=random_state + round_).fit(X[h]).predict(X)
                for h in halves
            ]
            agreements.append(adjusted_rand_score(*labelings))
        scores.append(
            {
                "k": k,
                "silhouette": silhouette,
                "stability": float(np.mean(agreements)),
                "inertia": float(model.inertia_),
            }
        )
    return scores


def choose_k(scores: list[dict[str, float]]) -> int:
    """The best silhouette among the stable k; the most stable k when none is."""
    stable = [s for s in scores if s["stability"] >= STABLE_ENOUGH]
    if stable:
        return int(max(stable, key=lambda s: s["silhouette"])["k"])
    return int(max(scores, key=lambda s: s["stability"])["k"])


def fit_kmeans(X: np.ndarray, k: int, random_state: int = 0, init: np.ndarray | None = None):
    """K-means from k-means++ (``FINAL_STARTS`` starts), or from given centroids (one start)."""
    with threadpool_limits(1):
        if init is not None:
            return KMeans(len(init), init=init, n_init=1, random_state=random_state).fit(X)
        return KMeans(k, n_init=FINAL_STARTS, random_state=random_state).fit(X)


def centroids_from_labels(X: np.ndarray, labels: np.ndarray, k: int, fallback: np.ndarray):
    """Mean of each labelled group (the previous model's segments seen in today's scaling);
    a group with no member keeps ``fallback``'s row."""
    centroids = fallback.copy()
    for j in range(k):
        members = labels == j
        if members.any():
            centroids[j] = X[members].mean(axis=0)
    return centroids


def match_labels(new: np.ndarray, old: np.ndarray, k_new: int, k_old: int) -> dict[int, int]:
    """Map new cluster -> old cluster maximising the customers they share (Hungarian)."""
    overlap = np.zeros((k_new, k_old))
    np.add.at(overlap, (new, old), 1)
    rows, cols = linear_sum_assignment(-overlap)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}
