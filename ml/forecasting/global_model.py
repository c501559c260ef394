"""One gradient-boosting model trained across all series (LightGBM, or scikit-learn's
HistGradientBoosting): it learns what promotions, prices, events and the calendar do to
demand from every series at once, which per-series univariate methods cannot.

It predicts demand divided by the series' scale at the origin with a Poisson loss weighted by
that scale (the same as a Poisson fit in units, but trees that split on shapes, not sizes).
"""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from ml.forecasting.events import EventIndex
from ml.forecasting.features import FeatureBuilder
from ml.forecasting.panel import Panel

ENGINES = ("lightgbm", "hgb")
LABEL_CAP = 0.999  # training labels are winsorised at this quantile


class GlobalModel:
    """Direct multi-step global model; ``fit`` then ``predict`` on the same kind of panel."""

    def __init__(
        self,
        engine: str = "lightgbm",
        max_rows: int = 600_000,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        seed: int = 0,
        n_jobs: int = 1,
    ):
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
        self.engine = engine
        self.max_rows = max_rows
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.seed = seed
        self.n_jobs = n_jobs

    def _estimator(self, categorical: list[str]):
        if self.engine == "lightgbm":
            import lightgbm

            return lightgbm.LGBMRegressor(
                objective="poisson",
                n_estimators=self.n_estimators,
                learning_rate=self.learning_rate,
                num_leaves=63,
                min_child_samples=40,
                subsample=0.8,
                subsample_freq=1,
                colsample_bytree=0.8,
                random_state=self.seed,
                n_jobs=self.n_jobs,
                deterministic=True,
                force_row_wise=True,
                verbose=-1,
            )
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=self.n_estimators,
            learning_rate=self.learning_rate,
            max_leaf_nodes=63,
            min_samples_leaf=40,
            categorical_features=categorical or None,
            early_stopping=False,
            random_state=self.seed,
        )

    def fit(
        self,
        panel: Panel,
        cutoff: int,
        static: dict[str, np.ndarray],
        events: EventIndex | None = None,
    ) -> GlobalModel:
        """Fit on the target cells before ``cutoff`` (observed only: censored days are not
        demand), each seen from a random origin 1..H steps earlier."""
        rng = np.random.default_rng(self.seed)
        builder = FeatureBuilder(panel, cutoff, static, events)
        observed = ~np.isnan(panel.y[:, :cutoff])
        observed[:, : min(builder.windows[0], cutoff)] = False
        cells = np.flatnonzero(observed)
        if cells.size > self.max_rows:
            cells = np.sort(rng.choice(cells, self.max_rows, replace=False))
        series, target = np.divmod(cells, cutoff)
        step = rng.integers(1, panel.horizon + 1, size=cells.size)
        step = np.minimum(step, target)
        keep = step >= 1
        series, target, step = series[keep], target[keep], step[keep]
        features = builder.rows(series, target, step)
        scale = builder.scale[series, target - step]
        label = panel.y[series, target] / scale
        # a few giant orders on series that barely sold (a label thousands of times the
        # series' scale) would dominate the Poisson fit and drag every other series down
        label = np.minimum(label, np.quantile(label, LABEL_CAP))
        empty = features.columns[features.isna().all()]  # e.g. last year's phase, too short
        features = features.drop(columns=empty)
        self.features_ = list(features.columns)
        self.categorical_ = [c for c in self.features_ if c.startswith("cat_")]
        self.estimator_ = self._estimator(self.categorical_)
        with threadpool_limits(self.n_jobs):
            if self.engine == "lightgbm":
                self.estimator_.fit(
                    features, label, sample_weight=scale,
                    categorical_feature=self.categorical_ or "auto",
                )  # fmt: skip
            else:
                self.estimator_.fit(features, label, sample_weight=scale)
        self.training_rows_ = len(label)
        return self

    def predict(
        self,
        panel: Panel,
        cutoff: int,
        static: dict[str, np.ndarray],
        events: EventIndex | None = None,
    ) -> np.ndarray:
        """Point forecasts [n, H] for the H periods after ``cutoff`` - 1."""
        if not hasattr(self, "estimator_"):
            raise RuntimeError("GlobalModel.predict before fit")
        builder = FeatureBuilder(panel, cutoff, static, events)
        horizon = panel.horizon
        series = np.repeat(np.arange(panel.n), horizon)
        step = np.tile(np.arange(1, horizon + 1), panel.n)
        target = cutoff - 1 + step
        features = builder.rows(series, target, step)[self.features_]
        scale = builder.scale[series, cutoff - 1]
        with threadpool_limits(self.n_jobs):
            out = np.asarray(self.estimator_.predict(features)) * scale
        return np.maximum(out, 0.0).reshape(panel.n, horizon)
