"""Accuracy of backtest forecasts: WAPE, MASE, bias and P10/P90 coverage per series, model
and level (all series, or any attribute of the series such as store or category).

WAPE = Σ|y - P50| / Σy; bias = Σ(P50 - y) / Σy (positive: over-forecast); MASE = Σ|y - P50| /
Σscale, the scale being the series' in-sample mean absolute seasonal difference at the cutoff
(per series the usual MASE; pooled, a MASE that tiny-scale slow movers cannot swamp; series
that never sold before the cutoff have none); coverage_pX = share of actuals below PX, a tie
counting one half (so a P10 of 0 on a day of 0 sales is neither hit nor miss). Censored and
missing periods are not scored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUMS = ("abs_error", "actual", "error", "scaled_error", "scale", "below_p10", "below_p90", "n")
COLUMNS = ["level", "key", "unique_id", "model", "wape", "mase", "bias"]
COLUMNS += ["coverage_p10", "coverage_p90", "n"]


def _below(actual: np.ndarray, bound: np.ndarray) -> np.ndarray:
    return (actual < bound) + 0.5 * (actual == bound)


def series_sums(
    p10: np.ndarray, p50: np.ndarray, p90: np.ndarray, actual: np.ndarray, scale: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-series sums [n] over windows and steps of arrays [W, n, H]; scale is [W, n]."""
    seen = np.isfinite(actual)
    scaled = seen & np.isfinite(scale)[:, :, None]
    unit = np.where(np.isfinite(scale), scale, 1.0)
    y = np.where(seen, actual, 0.0)
    mid = np.where(seen, p50, 0.0)
    error = mid - y
    parts = {
        "abs_error": np.abs(error),
        "actual": y,
        "error": error,
        "scaled_error": np.where(scaled, np.abs(error), 0.0),
        "scale": np.where(scaled, unit[:, :, None], 0.0),
        "below_p10": np.where(seen, _below(actual, p10), 0.0),
        "below_p90": np.where(seen, _below(actual, p90), 0.0),
        "n": seen.astype(float),
    }
    return {name: values.sum(axis=(0, 2)) for name, values in parts.items()}


def _ratios(sums: pd.DataFrame) -> pd.DataFrame:
    with np.errstate(all="ignore"):
        out = pd.DataFrame(
            {
                "wape": sums["abs_error"] / sums["actual"],
                "mase": sums["scaled_error"] / sums["scale"],
                "bias": sums["error"] / sums["actual"],
                "coverage_p10": sums["below_p10"] / sums["n"],
                "coverage_p90": sums["below_p90"] / sums["n"],
                "n": sums["n"].astype(int),
            }
        )
    return out.replace([np.inf, -np.inf], np.nan)


def metrics_table(per_series: pd.DataFrame, groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """The metrics frame from per-(model, unique_id) sums: series level, every group level
    (each column of ``groups``, indexed by unique_id) and ``all``."""
    frames = []
    series = per_series.copy()
    series_ratios = _ratios(series)
    frames.append(
        pd.concat(
            [
                series[["model", "unique_id"]].assign(level="series", key=series["unique_id"]),
                series_ratios,
            ],
            axis=1,
        )
    )
    if groups is not None:
        for name in groups.columns:
            keyed = series.assign(key=series["unique_id"].map(groups[name]).astype("string"))
            summed = keyed.groupby(["model", "key"], dropna=False)[list(SUMS)].sum().reset_index()
            frames.append(pd.concat([summed[["model", "key"]].assign(level=name),
                                     _ratios(summed)], axis=1))  # fmt: skip
    total = series.groupby("model")[list(SUMS)].sum().reset_index()
    frames.append(pd.concat([total[["model"]].assign(level="all", key="all"), _ratios(total)],
                            axis=1))  # fmt: skip
    out = pd.concat(frames, ignore_index=True)
    if "unique_id" not in out:
        out["unique_id"] = None
    out.loc[out["level"] != "series", "unique_id"] = None
    return out[COLUMNS]
