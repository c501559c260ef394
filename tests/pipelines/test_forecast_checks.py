"""The forecast's asset checks: an inverted or negative band fails; accuracy must beat seasonal
naive out of sample, and a history too short to tell is a warning, not a pass."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from pipelines.defs.forecasting.assets import (
    ForecastConfig,
    accuracy_check,
    backtest_windows,
    band_check,
)


def test_an_inverted_or_negative_band_fails_the_check():
    good = pd.DataFrame({"p10": [0.0, 1.0], "p50": [1.0, 2.0], "p90": [2.0, 3.0]})
    assert band_check(good).passed
    assert not band_check(good.assign(p10=[1.5, 1.0])).passed
    assert not band_check(good.assign(p10=[-0.1, 1.0])).passed


def test_accuracy_passes_only_below_seasonal_naive():
    naive = {"seasonal_naive": {"wape": 0.9, "coverage_p90": 0.8}}
    chosen = {**naive, "auto": {"wape": 0.7, "coverage_p90": 0.9}}
    assert accuracy_check(chosen, windows=2).passed
    assert not accuracy_check({**naive, "auto": {"wape": 0.95, "coverage_p90": 0.9}}, 2).passed
    for short in (accuracy_check(naive, windows=2), accuracy_check(chosen, windows=1)):
        assert not short.passed and short.severity == dg.AssetCheckSeverity.WARN


def test_a_short_history_is_backtested_on_fewer_windows_never_none():
    config = ForecastConfig(horizon_days=56, backtest_windows=2)
    days = lambda n: pd.DataFrame({"ds": pd.date_range("2025-01-01", periods=n)})  # noqa: E731
    assert backtest_windows(days(400), config) == 2
    assert backtest_windows(days(200), config) == 1
    assert backtest_windows(days(30), config) == 1
