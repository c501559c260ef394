"""Event indices: how much a series sells on the days of each combination of retail events
(campaña escolar, Navidad, Black Friday...) against its ordinary days, learned from the history
before a cutoff and pooled with its group (a category) and with every series where its own days
are few.

Univariate models see only their own recent past, so they miss a campaign the calendar
announces and read last month's Navidad as the new normal. ``adjusted`` divides their history by
the index before they fit and multiplies their forecast by it after. The global model gets the
group's index as a feature: one pooled number it can trust, where a yes/no flag per event would
have to be crossed with every category by the trees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ml.forecasting.calendar import EVENTS

BASE_HALF_WINDOW = 91  # ordinary periods this far either side set a day's ordinary level
MIN_BASE_PERIODS = 14  # fewer ordinary observations in the window: the series' whole mean
GROUP_PRIOR = 30.0  # pseudo-periods of the chain's index behind a group's
SERIES_PRIOR = 90.0  # pseudo-periods of the group's index behind a series' own
LIMITS = (0.05, 20.0)


def signatures(calendar: dict[str, np.ndarray]) -> np.ndarray:
    """One integer per period: the set of retail events under way (0: an ordinary period)."""
    length = len(next(iter(calendar.values())))
    code = np.zeros(length, dtype=np.int64)
    for bit, name in enumerate(EVENTS):
        values = calendar.get(f"cal_{name}")
        if values is not None:
            code |= (np.nan_to_num(values) > 0).astype(np.int64) << bit
    return code


def _window_sum(values: np.ndarray, half: int) -> np.ndarray:
    """Sum of each row over columns t - half .. t + half (clipped at the edges)."""
    total = np.concatenate([np.zeros((values.shape[0], 1)), np.cumsum(values, axis=1)], axis=1)
    columns = np.arange(values.shape[1])
    low = np.clip(columns - half, 0, values.shape[1])
    high = np.clip(columns + half + 1, 0, values.shape[1])
    return total[:, high] - total[:, low]


def ordinary_level(y: np.ndarray, ordinary: np.ndarray) -> np.ndarray:
    """[n, T] each series' mean demand on the ordinary periods around each period (its whole
    history's where they are few), so a growing series is compared with its level of the time."""
    seen = ~np.isnan(y) & ordinary[None, :]
    values = np.where(seen, y, 0.0)
    total = _window_sum(values, BASE_HALF_WINDOW)
    count = _window_sum(seen.astype(float), BASE_HALF_WINDOW)
    whole_count = seen.sum(axis=1)
    observed = ~np.isnan(y)
    any_day = np.where(observed, y, 0.0).sum(axis=1) / np.maximum(observed.sum(axis=1), 1)
    whole = np.where(whole_count > 0, values.sum(axis=1) / np.maximum(whole_count, 1), any_day)
    return np.where(count >= MIN_BASE_PERIODS, total / np.maximum(count, 1), whole[:, None])


@dataclass
class EventIndex:
    """Multipliers [n, L] per period of the whole axis (history and horizon): ``series`` pooled
    down from the chain through the group to the series, ``group`` the group's alone."""

    series: np.ndarray
    group: np.ndarray

    def adjusted(
        self, model: Callable[[np.ndarray, int], np.ndarray], y: np.ndarray, horizon: int
    ) -> np.ndarray:
        """``model`` fitted on ``y`` [n, e] net of events, its [n, H] forecast with them."""
        cutoff = y.shape[1]
        net = y / self.series[:, :cutoff]
        return model(net, horizon) * self.series[:, cutoff : cutoff + horizon]


def _shrunk(total, base, prior_total, prior_weight):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total + prior_weight * prior_total) / (base + prior_weight)


def event_index(y: np.ndarray, signature: np.ndarray, groups: np.ndarray | None) -> EventIndex:
    """Indices learned from ``y`` [n, e] (NaN: not observed) for every period of ``signature``
    [L >= e]. A combination of events never seen before the cutoff gets 1 (nothing known)."""
    n, cutoff = y.shape
    groups = np.zeros(n, dtype=np.int64) if groups is None else groups
    groups = np.where(np.isnan(groups), -1, groups).astype(np.int64)
    history = signature[:cutoff]
    base = ordinary_level(y, history == 0)
    usable = ~np.isnan(y) & np.isfinite(base) & (base > 0)
    kinds = [int(s) for s in np.unique(history[history != 0])]
    series_index = np.ones((n, len(kinds) + 1))  # the last column: unseen or ordinary
    group_index = np.ones((n, len(kinds) + 1))
    unique_groups, member = np.unique(groups, return_inverse=True)
    for k, kind in enumerate(kinds):
        cells = usable & (history == kind)[None, :]
        sold = np.where(cells, y, 0.0).sum(axis=1)
        usual = np.where(cells, base, 0.0).sum(axis=1)
        periods = cells.sum(axis=1)
        level = usual / np.maximum(periods, 1)  # the series' ordinary level on those days
        chain = sold.sum() / usual.sum() if usual.sum() > 0 else 1.0
        group_sold = np.bincount(member, sold, len(unique_groups))
        group_usual = np.bincount(member, usual, len(unique_groups))
        group_level = group_usual / np.maximum(np.bincount(member, periods, len(unique_groups)), 1)
        by_group = _shrunk(group_sold, group_usual, chain, GROUP_PRIOR * group_level)
        by_group = np.where(np.isfinite(by_group), by_group, chain)
        group_index[:, k] = by_group[member]
        own = _shrunk(sold, usual, group_index[:, k], SERIES_PRIOR * level)
        series_index[:, k] = np.where(np.isfinite(own) & (periods > 0), own, group_index[:, k])
    column = np.full(len(signature), len(kinds))
    for k, kind in enumerate(kinds):
        column[signature == kind] = k
    return EventIndex(
        np.clip(series_index[:, column], *LIMITS), np.clip(group_index[:, column], *LIMITS)
    )
