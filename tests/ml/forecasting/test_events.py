"""Event indices: a campaign planted in one category is learned from last year and carried into
this year's forecast, by the univariate models (event-adjusted) and by the global model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from erp_core.retail_calendar import event_days
from ml.forecasting import baselines, engine, forecast
from ml.forecasting.api import _prepare
from ml.forecasting.calendar import calendar_features
from ml.forecasting.events import event_index, signatures

CAMPAIGN = 5.0  # the school category sells five times its usual in the campaña escolar


def _campaign_days(dates: pd.DatetimeIndex) -> np.ndarray:
    inside = frozenset().union(*(event_days("campana_escolar", y) for y in (2024, 2025, 2026)))
    return np.array([d in inside for d in dates.date])


def school_chain(
    days: int = 400, seed: int = 7, level: float = 1.0, end: str = "2026-01-20"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Twelve series ending on ``end``: six school products with the campaign planted, six
    grocery products without it (``level`` 0.1: slow movers, sold one day in three)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=end, periods=days, freq="D")
    lift = np.where(_campaign_days(dates), CAMPAIGN, 1.0)
    rows, static = [], []
    for i in range(12):
        school = i < 6
        mean = level * rng.uniform(3, 8) * (lift if school else np.ones(days))
        uid = f"S{i:02d}"
        rows.append(pd.DataFrame({"unique_id": uid, "ds": dates, "y": rng.poisson(mean) * 1.0}))
        static.append({"unique_id": uid, "category": "Cuadernos" if school else "Arroz"})
    return pd.concat(rows, ignore_index=True), pd.DataFrame(static)


def _panel_arrays(history: pd.DataFrame, horizon: int):
    y = history.pivot(index="unique_id", columns="ds", values="y").to_numpy()
    start = history["ds"].min()
    axis = pd.date_range(start, periods=y.shape[1] + horizon, freq="D")
    return y, axis


def test_the_index_learns_the_planted_campaign_per_group_and_carries_it_forward():
    history, static = school_chain()
    y, axis = _panel_arrays(history, 56)
    groups = (static["category"] == "Cuadernos").to_numpy().astype(float)
    index = event_index(y, signatures(calendar_features(axis, "D")), groups)
    future = np.arange(y.shape[1], y.shape[1] + 56)
    in_campaign = future[_campaign_days(axis[future])]
    before = future[~_campaign_days(axis[future]) & (axis[future] < "2026-02-01")]
    school, grocery = index.series[:6], index.series[6:]
    assert school[:, in_campaign].mean() == pytest.approx(CAMPAIGN, rel=0.15)
    assert grocery[:, in_campaign].mean() == pytest.approx(1.0, abs=0.15)
    assert school[:, before].mean() == pytest.approx(1.0, abs=0.25)  # verano alone: no lift
    assert np.ptp(index.group[:6, in_campaign]) < 1e-9  # one value for the whole group


def test_a_combination_of_events_never_seen_gets_no_lift():
    dates = pd.date_range("2025-04-01", periods=120, freq="D")  # no campaña escolar seen
    y = np.random.default_rng(1).poisson(4.0, (3, 60)).astype(float)
    index = event_index(y, signatures(calendar_features(dates, "D")), None)
    campaign = _campaign_days(dates)
    assert not campaign[:60].any()
    assert np.allclose(index.series[:, 60:][:, ~campaign[60:]].min(), index.series.min())
    unseen = [i for i, d in enumerate(dates) if i >= 60 and d.date() > dt.date(2025, 6, 30)]
    seen_kinds = set(signatures(calendar_features(dates, "D"))[:60])
    fresh = [i for i in unseen if signatures(calendar_features(dates, "D"))[i] not in seen_kinds]
    assert fresh and np.allclose(index.series[:, fresh], 1.0)


def test_an_adjusted_moving_average_does_not_carry_the_campaign_into_ordinary_days():
    history, _ = school_chain(end="2025-03-10")  # in the middle of the campaign
    y, axis = _panel_arrays(history, 14)
    index = event_index(y, signatures(calendar_features(axis, "D")), None)
    after = axis[y.shape[1] :]
    ordinary = after > pd.Timestamp("2025-03-20")
    plain = baselines.moving_average(y[:6], 14, 7)
    adjusted = index.adjusted(lambda v, h: baselines.moving_average(v, h, 7), y, 14)[:6]
    true_level = history[(history["unique_id"] < "S06") & ~_campaign_days(history["ds"].dt)]
    usual = true_level.groupby("unique_id")["y"].mean().to_numpy()
    assert plain[:, ordinary].mean() > 2.5 * usual.mean()  # the campaign read as the new normal
    assert adjusted[:, ordinary].mean() == pytest.approx(usual.mean(), rel=0.3)


def _rise(frame: pd.DataFrame, category: str) -> float:
    """Mean forecast in the campaign over the mean forecast in the days before it."""
    rows = frame[frame["category"] == category]
    during = _campaign_days(pd.DatetimeIndex(rows["ds"]))
    return rows.loc[during, "p50"].mean() / rows.loc[rows["ds"] < "2026-02-01", "p50"].mean()


def test_event_adjusted_intermittent_models_anticipate_the_campaign_for_its_category_only():
    history, static = school_chain(level=0.1)  # slow movers: Croston, TSB and ADIDA serve them
    panel, codes = _prepare(history, 56, "D", None, static, "missing")
    settings = engine.Settings(event_group="category")
    out, _ = engine.point_forecasts(panel, panel.length, ("tsb", "croston"), codes, settings)
    dates = panel.dates(panel.length + np.arange(56))
    for name in ("tsb", "croston"):
        frame = pd.DataFrame({"unique_id": np.repeat(panel.ids, 56),
                              "ds": np.tile(dates, panel.n), "p50": out[name].ravel()})  # fmt: skip
        frame = frame.merge(static, on="unique_id")
        assert _rise(frame, "Cuadernos") > 0.75 * CAMPAIGN
        assert _rise(frame, "Arroz") == pytest.approx(1.0, abs=0.1)


def test_the_global_model_anticipates_the_campaign_for_its_category_only():
    history, static = school_chain()
    result = forecast(history, 56, "D", static=static, models=("global",), windows=1,
                      n_estimators=80, event_group="category")  # fmt: skip
    frame = result.forecasts.merge(static, on="unique_id")
    assert (frame["model"] == "global").mean() > 0.5
    assert _rise(frame, "Cuadernos") > 0.6 * CAMPAIGN
    assert _rise(frame, "Arroz") == pytest.approx(1.0, abs=0.25)


def test_an_unknown_event_group_is_named():
    history, static = school_chain(days=200)
    with pytest.raises(ValueError, match="marca"):
        forecast(history, 14, "D", static=static, models=("tsb",), windows=1,
                 event_group="marca")  # fmt: skip
