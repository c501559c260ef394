"""DBSCAN beside K-means: dense groups and the customers that belong to none.

DBSCAN runs on the first principal components of the scaled features (distances mean little
in many dimensions), with ``min_samples`` from the dimension and ``eps`` at the knee of the
sorted k-distance curve. Memory stays bounded on large bases: the curve is read on a sample,
DBSCAN is fitted on at most ``max_fit`` customers, and everyone else takes the label of their
nearest core customer within ``eps`` (noise otherwise), which is what DBSCAN would have given
a border point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

MAX_COMPONENTS = 6
KNEE_SAMPLE = 4000
MAX_FIT = 15000
NOISE = -1


@dataclass
class DensityModel:
    pca: PCA
    eps: float
    min_samples: int
    core_points_: np.ndarray
    core_labels_: np.ndarray

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Each customer's dense group, or ``NOISE`` if no core customer is within eps."""
        if len(self.core_points_) == 0:
            return np.full(len(X), NOISE)
        reduced = self.pca.transform(X)
        neighbours = NearestNeighbors(n_neighbors=1).fit(self.core_points_)
        distance, index = neighbours.kneighbors(reduced)
        labels = self.core_labels_[index[:, 0]]
        return np.where(distance[:, 0] <= self.eps, labels, NOISE)


def knee_eps(reduced: np.ndarray, k: int) -> float:
    """The k-distance where the sorted curve bends most (farthest from its chord)."""
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(reduced).kneighbors(reduced)
    curve = np.sort(distances[:, -1])
    x = np.linspace(0.0, 1.0, len(curve))
    y = (curve - curve[0]) / max(curve[-1] - curve[0], 1e-12)
    return float(curve[int(np.argmax(x - y))])


def fit_density(X: np.ndarray, random_state: int = 0, max_fit: int = MAX_FIT) -> tuple:
    """Fit on (a sample of) the customers; returns the model and every customer's label."""
    rng = np.random.default_rng(random_state)
    components = min(MAX_COMPONENTS, X.shape[1], max(1, len(X) - 1))
    pca = PCA(n_components=components, random_state=random_state).fit(X)
    reduced = pca.transform(X)
    min_samples = max(5, 2 * components)
    knee_rows = rng.choice(len(X), size=min(len(X), KNEE_SAMPLE), replace=False)
    eps = knee_eps(reduced[knee_rows], min_samples)
    fit_rows = np.sort(rng.choice(len(X), size=min(len(X), max_fit), replace=False))
    dbscan = DBSCAN(eps=eps, min_samples=min_samples).fit(reduced[fit_rows])
    core = dbscan.core_sample_indices_
    model = DensityModel(pca, eps, min_samples, reduced[fit_rows][core], dbscan.labels_[core])
    labels = model.predict(X)
    labels[fit_rows] = dbscan.labels_  # the fitted customers keep DBSCAN's own answer
    return model, labels
