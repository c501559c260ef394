"""Robust scaling: log for amounts, counts and durations, then median and quantile spread.

Customer behaviour is heavy-tailed (a few customers buy a hundred times more), so plain
standardisation lets them dominate the distances. Each column is centred on its median and
divided by its interquartile range (scaled to a normal's standard deviation; the standard
deviation where the quartiles coincide), then clipped, so no customer sits more than
``CLIP`` spreads away. Each block of columns (behaviour, category mix, payment mix, channel
mix) is then weighted by one over the square root of its width, so that each aspect of
behaviour counts the same in distances whatever number of columns describes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.segmentation.features import heavy_tailed

CLIP = 4.0
IQR_TO_SD = 1.349


@dataclass
class RobustScaling:
    columns: list[str]
    log_columns: list[str]
    center_: np.ndarray
    scale_: np.ndarray
    weight_: np.ndarray

    @classmethod
    def fit(cls, features: pd.DataFrame, columns: list[str]) -> RobustScaling:
        log_columns = [c for c in columns if heavy_tailed(c)]
        values = _logged(features, columns, log_columns)
        center = np.median(values, axis=0)
        q75, q25 = np.percentile(values, [75, 25], axis=0)
        scale = (q75 - q25) / IQR_TO_SD
        sd = values.std(axis=0)
        scale = np.where(scale > 1e-9, scale, np.where(sd > 1e-9, sd, 1.0))
        blocks = [_block(c) for c in columns]
        width = {b: blocks.count(b) for b in blocks}
        weight = np.array([1.0 / np.sqrt(width[b]) for b in blocks])
        return cls(list(columns), log_columns, center, scale, weight)

    def transform(self, features: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.columns if c not in features.columns]
        behaviour = [c for c in missing if _block(c) == "behaviour"]
        if behaviour:
            raise ValueError(f"faltan columnas de atributos: {', '.join(behaviour)}")
        # a category or payment method nobody used this time: everybody's share is 0
        features = features.assign(**dict.fromkeys(missing, 0.0)) if missing else features
        values = _logged(features, self.columns, self.log_columns)
        return np.clip((values - self.center_) / self.scale_, -CLIP, CLIP) * self.weight_

    def spreads(self, scaled: np.ndarray) -> np.ndarray:
        """Scaled points (centroids) in spreads from the median, without the block weights."""
        return np.asarray(scaled) / self.weight_

    def inverse(self, scaled: np.ndarray) -> pd.DataFrame:
        """Back to feature units."""
        values = self.spreads(scaled) * self.scale_ + self.center_
        frame = pd.DataFrame(values, columns=self.columns)
        for column in self.log_columns:
            frame[column] = np.expm1(frame[column])
        return frame


def _block(column: str) -> str:
    for prefix in ("category_", "payment_", "channel_"):
        if column.startswith(prefix):
            return prefix
    return "behaviour"


def _logged(features: pd.DataFrame, columns: list[str], log_columns: list[str]) -> np.ndarray:
    frame = features[columns].astype(float).fillna(0.0).copy()
    for column in log_columns:
        frame[column] = np.log1p(frame[column].clip(lower=0.0))
    return frame.to_numpy()
