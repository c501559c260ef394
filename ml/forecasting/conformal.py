"""Conformal bands from backtest residuals: a model's errors in past windows, in units of
each series' MASE scale, give the P10 and P90 offsets around its P50.

Residuals are pooled per model and demand class (smooth, erratic, intermittent, lumpy) so a
class with few series borrows the model's pooled quantiles. In a backtest each window is
banded with the other windows' residuals (leave-one-window-out), so coverage is measured on
data the bands never saw; with a single window the bands are in-sample (the card says so).
"""

from __future__ import annotations

import numpy as np

LOW, HIGH = 0.10, 0.90
MIN_POINTS = 30


def offsets(residuals: np.ndarray, classes: np.ndarray) -> dict[str, tuple[float, float]]:
    """Quantiles (P10, P90) of scaled residuals [W, n, H] per class, plus the pooled ``*``."""
    pooled = residuals[np.isfinite(residuals)]
    base = (
        (float(np.quantile(pooled, LOW)), float(np.quantile(pooled, HIGH)))
        if pooled.size
        else (0.0, 0.0)
    )
    out = {"*": base}
    for name in np.unique(classes):
        values = residuals[:, classes == name, :]
        values = values[np.isfinite(values)]
        if values.size >= MIN_POINTS:
            out[str(name)] = (float(np.quantile(values, LOW)), float(np.quantile(values, HIGH)))
    return out


def band(
    p50: np.ndarray, scale: np.ndarray, classes: np.ndarray, table: dict[str, tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P10, P50, P90 [n, H] from point forecasts, scales [n] and an ``offsets`` table; ordered
    and never negative."""
    low = np.array([table.get(str(c), table["*"])[0] for c in classes])
    high = np.array([table.get(str(c), table["*"])[1] for c in classes])
    mid = np.maximum(np.nan_to_num(p50, nan=0.0), 0.0)
    p10 = np.minimum(np.maximum(mid + (low * scale)[:, None], 0.0), mid)
    p90 = np.maximum(mid + (high * scale)[:, None], mid)
    return p10, mid, p90
