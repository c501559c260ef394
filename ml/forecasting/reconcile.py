"""Weekly totals per store, category and chain that add up to the detail (bottom-up).

P50 of an aggregate is the sum of its members' P50, so every level is coherent with the
product × store × day detail. Quantiles do not add up, so an aggregate's band is its own:
from its backtest errors when a backtest is handed in (relative errors of the aggregated P50
against the aggregated actuals, per level), else from the members' bands combined as if their
errors were independent (root sum of squares, narrower than the truth when they move
together; the ``band`` column says which).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHAIN = "chain"
SERIES = "series"
MIN_WEEKS = 8


def _weeks(frame: pd.DataFrame, week_ends: str) -> pd.Series:
    return frame["ds"].dt.to_period(f"W-{week_ends}").dt.start_time


def _keyed(frame: pd.DataFrame, hierarchy: pd.DataFrame, level: str) -> pd.Series:
    if level == SERIES:
        return frame["unique_id"].astype(str)
    if level == CHAIN:
        return pd.Series(CHAIN, index=frame.index)
    return frame["unique_id"].astype(str).map(hierarchy[level]).astype("string")


def _relative_errors(
    backtest: pd.DataFrame, hierarchy: pd.DataFrame, level: str, week_ends: str
) -> tuple[float, float] | None:
    seen = backtest[backtest["y"].notna()]
    grouped = seen.assign(key=_keyed(seen, hierarchy, level), week=_weeks(seen, week_ends))
    sums = grouped.groupby(["cutoff", "key", "week"])[["p50", "y"]].sum()
    sums = sums[sums["p50"] > 0]
    if len(sums) < MIN_WEEKS:
        return None
    ratio = sums["y"] / sums["p50"] - 1.0
    return float(ratio.quantile(0.10)), float(ratio.quantile(0.90))


def reconcile_weekly(
    forecasts: pd.DataFrame,
    hierarchy: pd.DataFrame,
    *,
    backtest: pd.DataFrame | None = None,
    levels: list[str] | None = None,
    week_ends: str = "SUN",
) -> pd.DataFrame:
    """Weekly P10/P50/P90 per series, per each ``levels`` column of ``hierarchy`` (default:
    all but unique_id, e.g. store and category) and for the chain.

    ``forecasts``: unique_id, ds, p10, p50, p90 (daily). ``hierarchy``: unique_id + level
    columns. ``backtest``: optional backtest forecasts of the same model (unique_id, ds,
    cutoff, p50, y) whose aggregated errors band each level. Weeks run Monday to ``week_ends``
    (Sunday) and ``ds`` is their first day; ``days`` says how many days of the week the
    horizon covers. Returns level, key, ds, days, p10, p50, p90, band.
    """
    table = hierarchy.assign(unique_id=hierarchy["unique_id"].astype(str))
    table = table.drop_duplicates("unique_id").set_index("unique_id")
    levels = list(table.columns) if levels is None else levels
    missing = sorted(set(forecasts["unique_id"].astype(str)) - set(table.index))
    if missing:
        raise ValueError(f"series without a place in the hierarchy: {missing[:5]}")
    detail = forecasts.assign(
        week=_weeks(forecasts, week_ends),
        low=(forecasts["p50"] - forecasts["p10"]) ** 2,
        high=(forecasts["p90"] - forecasts["p50"]) ** 2,
    )
    frames = []
    for level in (SERIES, *levels, CHAIN):
        keyed = detail.assign(key=_keyed(detail, table, level))
        sums = keyed.groupby(["key", "week"]).agg(
            days=("ds", "nunique"), p50=("p50", "sum"), low=("low", "sum"), high=("high", "sum")
        )
        sums = sums.reset_index()
        errors = None
        if backtest is not None:
            errors = _relative_errors(backtest, table, level, week_ends)
        if errors is None:
            sums["p10"] = np.maximum(sums["p50"] - np.sqrt(sums["low"]), 0.0)
            sums["p90"] = sums["p50"] + np.sqrt(sums["high"])
            sums["band"] = "independent"
        else:
            sums["p10"] = np.clip(sums["p50"] * (1 + errors[0]), 0.0, sums["p50"])
            sums["p90"] = np.maximum(sums["p50"] * (1 + errors[1]), sums["p50"])
            sums["band"] = "backtest"
        frames.append(sums.assign(level=level).rename(columns={"week": "ds"}))
    out = pd.concat(frames, ignore_index=True)
    return out[["level", "key", "ds", "days", "p10", "p50", "p90", "band"]]
