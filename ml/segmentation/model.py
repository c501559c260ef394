"""Customer segmentation: K-means segments with Spanish names, DBSCAN beside it, a model card.

``fit_segments(features)`` chooses the number of segments; ``fit_segments(features, previous)``
keeps the previous model's number and identities: K-means restarts from the centroids of the
previous segments as seen in today's data, and new clusters take the ids and names of the old
ones they share most customers with, so "Leales" keeps its meaning from one week to the next.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from ml import registry
from ml.segmentation.density import NOISE, DensityModel, fit_density
from ml.segmentation.features import model_columns
from ml.segmentation.kmeans import (
    centroids_from_labels,
    choose_k,
    fit_kmeans,
    k_scores,
    match_labels,
)
from ml.segmentation.naming import assign_names, profile_text, suggested_campaign
from ml.segmentation.scaling import RobustScaling

MODEL_NAME = "customer_segments"
DEFAULT_K_RANGE = range(3, 9)


@dataclass
class SegmentModel:
    """What a run learned: scaling, centroids with their segment ids and names, DBSCAN."""

    scaling: RobustScaling
    centroids_: np.ndarray  # in scaled units, one row per segment
    segment_ids_: list[int]
    names_: dict[int, str]
    density_: DensityModel
    next_id_: int
    sizes_: dict[int, int] = field(default_factory=dict)

    def predict(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each customer's segment id and distance to its centroid."""
        X = self.scaling.transform(features)
        distances = np.linalg.norm(X[:, None, :] - self.centroids_[None, :, :], axis=2)
        nearest = distances.argmin(axis=1)
        return np.asarray(self.segment_ids_)[nearest], distances[np.arange(len(X)), nearest]


@dataclass
class SegmentationResult:
    assignments: pd.DataFrame  # one row per customer
    segments: pd.DataFrame  # one row per segment
    dense_groups: pd.DataFrame  # one row per DBSCAN group (and the noise)
    model: SegmentModel
    card: dict[str, Any] = field(default_factory=dict)
    model_version: str | None = None


def fit_segments(
    features: pd.DataFrame,
    previous: SegmentModel | None = None,
    k_range: range = DEFAULT_K_RANGE,
    customer_value: pd.DataFrame | None = None,
    random_state: int = 0,
) -> SegmentationResult:
    """Segment customers from ``customer_features`` output.

    ``previous``: the last run's ``SegmentModel`` (``load_model(root, MODEL_NAME)[0]``) to keep
    its segments. ``customer_value``: ``customer_id, p_alive, expected_purchases,
    expected_spend`` (``ml.customer_value``) to profile segments with.
    """
    if len(features) < 10:
        raise ValueError(f"se necesitan al menos 10 clientes para segmentar (hay {len(features)})")
    with threadpool_limits(1):  # BLAS and OpenMP threads only spin on a shared machine
        return _fit_segments(features, previous, k_range, customer_value, random_state)


def _fit_segments(features, previous, k_range, customer_value, random_state):
    columns = model_columns(features)
    scaling = RobustScaling.fit(features, columns)
    X = scaling.transform(features)
    scores: list[dict[str, float]] = []
    if previous is None:
        scores = k_scores(X, k_range, random_state)
        k = choose_k(scores)
        kmeans = fit_kmeans(X, k, random_state)
        ids = list(range(1, k + 1))
        names = assign_names(_centroid_frame(scaling, kmeans.cluster_centers_, ids))
        next_id = k + 1
        carried = {}
    else:
        old_ids, _ = previous.predict(features)
        old_index = {s: j for j, s in enumerate(previous.segment_ids_)}
        old_labels = np.array([old_index[s] for s in old_ids])
        k = len(previous.segment_ids_)
        fallback = fit_kmeans(X, k, random_state).cluster_centers_
        init = centroids_from_labels(X, old_labels, k, fallback)
        kmeans = fit_kmeans(X, k, random_state, init=init)
        mapping = match_labels(kmeans.labels_, old_labels, k, k)
        next_id = previous.next_id_
        ids = []
        for j in range(k):
            if j in mapping:
                ids.append(previous.segment_ids_[mapping[j]])
            else:
                ids.append(next_id)
                next_id += 1
        carried = {s: previous.names_[s] for s in ids if s in previous.names_}
        names = assign_names(_centroid_frame(scaling, kmeans.cluster_centers_, ids), carried)
    density, dense_labels = fit_density(X, random_state)
    model = SegmentModel(scaling, kmeans.cluster_centers_, ids, names, density, next_id)
    segment_ids, distances = model.predict(features)
    assignments = pd.DataFrame(
        {
            "customer_id": features.index.to_numpy(),
            "segment_id": segment_ids,
            "segment_name": [names[s] for s in segment_ids],
            "kmeans_distance": distances,
            "dbscan_label": dense_labels,
            "is_outlier": dense_labels == NOISE,
            "model_version": None,
        }
    )
    if customer_value is not None:
        value = customer_value.set_index("customer_id")[
            ["p_alive", "expected_purchases", "expected_spend"]
        ]
        assignments = assignments.join(value, on="customer_id")
    segments = _segment_table(features, X, assignments, model, previous)
    dense_groups = _dense_group_table(features, X, assignments)
    card = _card(features, columns, scores, k, model, assignments, segments, dense_groups)
    card["carried_over_from_previous"] = sorted(carried)
    return SegmentationResult(assignments, segments, dense_groups, model, card)


def save_segmentation(
    result: SegmentationResult, root: Path | str, name: str = MODEL_NAME
) -> SegmentationResult:
    """Save the model and card as a new registry version; rows then carry that version."""
    saved = registry.save_model(root, name, result.model, result.card)
    return dataclasses.replace(
        result,
        assignments=result.assignments.assign(model_version=saved.version),
        segments=result.segments.assign(model_version=saved.version),
        dense_groups=result.dense_groups.assign(model_version=saved.version),
        card=saved.card,
        model_version=saved.version,
    )


def _centroid_frame(scaling: RobustScaling, centroids: np.ndarray, ids: list[int]) -> pd.DataFrame:
    """Centroids in spreads from the median customer, one row per segment id."""
    return pd.DataFrame(scaling.spreads(centroids), columns=scaling.columns, index=ids)


def _typical(features: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Medians for amounts and counts, means for shares (a median share is mostly 0)."""
    shares = [c for c in columns if c.endswith("_share") or c.startswith(("category_", "payment_"))]
    others = [c for c in columns if c not in shares]
    return pd.concat([features[others].median(), features[shares].mean()])


def _segment_table(features, X, assignments, model, previous) -> pd.DataFrame:
    columns = model.scaling.columns
    labels = assignments["segment_id"].to_numpy()
    previous_sizes = previous.sizes_ if previous is not None else {}
    rows = []
    for j, segment in enumerate(model.segment_ids_):
        members = labels == segment
        typical = _typical(features[members], columns)
        centroid = pd.Series(model.scaling.spreads(model.centroids_[j]), index=columns)
        recent = features.loc[members, "spend_last_90d"].sum()
        before = features.loc[members, "spend_previous_90d"].sum(min_count=1)
        row = {
            "segment_id": segment,
            "segment_name": model.names_[segment],
            "profile": profile_text(centroid, typical),
            "suggested_campaign": suggested_campaign(model.names_[segment]),
            "size": int(members.sum()),
            "share_of_customers": float(members.mean()),
            "monetary_pen": float(features.loc[members, "monetary_pen"].sum()),
            "share_of_value": float(
                features.loc[members, "monetary_pen"].sum() / features["monetary_pen"].sum()
            ),
            "spend_last_90d": float(recent),
            "spend_previous_90d": float(before),  # NaN: the history does not reach back
            "trend_pct": float(recent / before - 1) if before > 0 else np.nan,
            "size_change": (
                int(members.sum()) - previous_sizes[segment]
                if segment in previous_sizes
                else np.nan
            ),
        }
        for column in columns:
            row[f"typical_{column}"] = float(typical[column])
        if "p_alive" in assignments.columns:
            row["mean_p_alive"] = float(assignments.loc[members, "p_alive"].mean())
            row["expected_spend"] = float(assignments.loc[members, "expected_spend"].sum())
        rows.append(row)
    model.sizes_ = {r["segment_id"]: r["size"] for r in rows}
    return pd.DataFrame(rows)


def _dense_group_table(features, X, assignments) -> pd.DataFrame:
    """Each DBSCAN group beside the K-means segment most of its customers fall in."""
    rows = []
    columns = [c for c in ("frequency", "avg_ticket_pen", "units_per_line", "recency_days")
               if c in features.columns]  # fmt: skip
    for label, members in assignments.groupby("dbscan_label").groups.items():
        mask = assignments.index.isin(members)
        typical = features.loc[mask, columns].median()
        top = assignments.loc[mask, "segment_name"].value_counts()
        rows.append(
            {
                "dbscan_label": int(label),
                "is_noise": label == NOISE,
                "size": int(mask.sum()),
                "main_segment": top.index[0],
                "main_segment_share": float(top.iloc[0] / mask.sum()),
                **{f"typical_{c}": float(typical[c]) for c in columns},
            }
        )
    return pd.DataFrame(rows)


def _card(features, columns, scores, k, model, assignments, segments, dense_groups) -> dict:
    core = assignments["dbscan_label"] != NOISE
    agreement = (
        float(
            adjusted_rand_score(
                assignments.loc[core, "segment_id"], assignments.loc[core, "dbscan_label"]
            )
        )
        if core.sum() > 1
        else None
    )
    return {
        "task": "segmentación de clientes",
        "customers": len(features),
        "features": columns,
        "log_scaled": model.scaling.log_columns,
        "k": k,
        "k_selection": scores,
        "segments": segments[["segment_id", "segment_name", "size", "profile"]].to_dict("records"),
        "dbscan": {
            "eps": model.density_.eps,
            "min_samples": model.density_.min_samples,
            "components": int(model.density_.pca.n_components_),
            "groups": int(dense_groups.loc[~dense_groups["is_noise"]].shape[0]),
            "noise_share": float((~core).mean()),
            "ari_with_kmeans_on_grouped": agreement,
            "dense_groups": dense_groups.to_dict("records"),
        },
    }
