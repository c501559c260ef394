"""forecast and backtest on planted synthetic chains: accuracy against seasonal naive measured
in the same run, promotions, stockouts, quantile coverage, calendars and gaps."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd

from ml.forecasting import backtest, forecast
from ml.registry import load_model, save_model
from tests.ml.forecasting.conftest import CHEAP, FAST, HORIZON
from tests.ml.forecasting.synthetic import UPLIFT, WEEKLY, intermittent, plain_future, weekly


def overall(result) -> pd.DataFrame:
    metrics = result.metrics
    return metrics[metrics["level"] == "all"].set_index("model")


def assert_ordered_quantiles(frame: pd.DataFrame) -> None:
    assert (frame["p10"] >= 0).all()
    assert (frame["p10"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["p90"]).all()


def test_forecasts_beat_seasonal_naive_on_the_same_windows(chain_backtest):
    table = overall(chain_backtest)
    assert table.loc["auto", "wape"] < 0.75 * table.loc["seasonal_naive", "wape"]
    assert table.loc["global", "mase"] < table.loc["seasonal_naive", "mase"]
    frame = chain_backtest.forecasts
    assert list(frame.columns) == ["unique_id", "ds", "cutoff", "model", "p10", "p50", "p90", "y"]
    assert set(frame["model"]) == {*CHEAP, "auto"}
    assert frame["cutoff"].nunique() == 3
    assert_ordered_quantiles(frame)


def test_metrics_per_series_group_and_all(chain_backtest):
    metrics = chain_backtest.metrics
    assert set(metrics["level"]) == {"series", "category", "all"}
    series = metrics[(metrics["level"] == "series") & (metrics["model"] == "auto")]
    assert len(series) == 12 and series["unique_id"].notna().all()
    by_category = metrics[(metrics["level"] == "category") & (metrics["model"] == "auto")]
    assert by_category["n"].sum() == overall(chain_backtest).loc["auto", "n"]


def test_p90_covers_about_90_and_p10_about_10_percent_of_backtest_actuals(chain_backtest):
    table = overall(chain_backtest)
    assert 0.82 <= table.loc["auto", "coverage_p90"] <= 0.96
    assert 0.04 <= table.loc["auto", "coverage_p10"] <= 0.18


def test_forecast_contract_card_and_registry(chain_forecast, tmp_path):
    frame = chain_forecast.forecasts
    assert list(frame.columns) == ["unique_id", "ds", "p10", "p50", "p90", "model"]
    assert len(frame) == 12 * HORIZON
    assert frame.groupby("unique_id")["ds"].min().eq(pd.Timestamp("2025-02-24")).all()
    assert_ordered_quantiles(frame)
    card = json.loads(json.dumps(chain_forecast.card))
    assert card["training_window"] == {"start": "2024-01-01", "end": "2025-02-23"}
    assert sum(card["models_chosen"].values()) == 12
    assert "x_is_promotion" in card["features"]
    saved = save_model(tmp_path, "demand_forecast", chain_forecast.model, card)
    model, again = load_model(tmp_path, "demand_forecast")
    assert again.version == saved.version
    assert model.choices == chain_forecast.model.choices


def test_a_planned_promotion_raises_the_forecast_of_its_product(chain, chain_forecast):
    history, static = chain
    future = plain_future(history, HORIZON)
    days = pd.date_range("2025-03-05", periods=5, freq="D")
    planned = future["unique_id"].eq("P03") & future["ds"].isin(days)
    future.loc[planned, "is_promotion"] = 1.0
    future.loc[planned, "effective_price"] *= 0.75
    promoted = forecast(history, HORIZON, "D", future, static=static, models=CHEAP, **FAST)

    def p50(result, uid):
        frame = result.forecasts
        return frame[frame["unique_id"] == uid].set_index("ds")["p50"]

    uplift = p50(promoted, "P03")[days] / p50(chain_forecast, "P03")[days]
    assert uplift.mean() > 1 + (UPLIFT - 1) / 2  # at least half the planted uplift
    others = p50(promoted, "P05") / p50(chain_forecast, "P05")
    assert abs(others.mean() - 1) < 0.1


def test_stockout_days_do_not_pull_the_forecast_down():
    rng = np.random.default_rng(7)
    dates = pd.date_range("2024-01-01", periods=300, freq="D")
    level = {f"Q{i}": rng.uniform(10, 30) for i in range(6)}
    rows = []
    for uid, base in level.items():
        demand = rng.poisson(base * WEEKLY[dates.dayofweek]).astype(float)
        out = np.zeros(300, dtype=bool)
        for start in rng.choice(np.arange(150, 290), size=6, replace=False):
            out[start : start + 5] = True  # about a fifth of the last five months out of stock
        rows.append(pd.DataFrame({"unique_id": uid, "ds": dates,
                                  "y": np.where(out, 0.0, demand), "censored": out}))  # fmt: skip
    history = pd.concat(rows, ignore_index=True)
    models = ("seasonal_naive", "moving_average", "global")
    censored = forecast(history, 14, "D", models=models, **FAST).forecasts
    as_zero = forecast(history.drop(columns="censored"), 14, "D", models=models, **FAST).forecasts
    truth = pd.Series(level) * WEEKLY.mean()
    mean_censored = censored.groupby("unique_id")["p50"].mean()
    mean_zero = as_zero.groupby("unique_id")["p50"].mean()
    assert (mean_censored > mean_zero).mean() >= 5 / 6
    assert (mean_censored - truth).abs().mean() < (mean_zero - truth).abs().mean()


def test_intermittent_series_are_classified_and_forecast_without_negatives():
    history = intermittent()
    result = forecast(history, 14, "D", models=("croston", "tsb", "adida", "seasonal_naive",
                                                "moving_average"), windows=3)  # fmt: skip
    assert set(result.card["demand_classes"]) <= {"intermittent", "lumpy"}
    assert set(result.forecasts["model"]) <= {"croston", "tsb", "adida", "moving_average"}
    assert_ordered_quantiles(result.forecasts)
    table = result.card["backtest_metrics"]
    assert table["auto"]["mase"] < table["seasonal_naive"]["mase"]
    # chosen by squared error: the mean, not the zero a slow mover sells on most days
    assert abs(table["auto"]["bias"]) < 0.15
    assert (result.forecasts["p50"] > 0).all()


def test_weekly_series_anchored_on_wednesday_with_gaps_come_back_on_wednesdays():
    history = weekly()
    rng = np.random.default_rng(0)
    history = history.drop(index=rng.choice(history.index[:-40], size=30, replace=False))
    result = forecast(history, 8, "W", models=("global", "seasonal_naive", "moving_average"),
                      **FAST)  # fmt: skip
    frame = result.forecasts
    assert (frame["ds"].dt.dayofweek == 2).all()
    last = history["ds"].max()
    assert sorted(frame["ds"].unique()) == list(pd.date_range(last, periods=9, freq="W-WED")[1:])
    assert_ordered_quantiles(frame)


def test_monthly_month_end_histories_forecast_month_ends():
    dates = pd.date_range("2015-01-31", periods=72, freq="ME")
    season = 1 + 0.2 * np.cos(2 * np.pi * dates.month / 12)
    history = pd.concat(
        [pd.DataFrame({"unique_id": f"M{i}", "ds": dates, "y": (100 + 10 * i) * season})
         for i in range(4)]
    )  # fmt: skip
    result = backtest(history, 6, "M", windows=2, models=("global", "seasonal_naive"), **FAST)
    assert (result.forecasts["ds"].dt.is_month_end).all()
    fc = forecast(history, 6, "M", models=("seasonal_naive", "moving_average"))
    assert list(fc.forecasts["ds"].unique()) == list(pd.date_range("2021-01-31", periods=6,
                                                                   freq="ME"))  # fmt: skip


def test_the_future_may_skip_dates_and_only_its_rows_are_forecast(chain):
    history, _ = chain
    future = plain_future(history, HORIZON)
    future = future[future["ds"].dt.dayofweek != 6]  # closed on Sundays
    result = forecast(history, HORIZON, "D", future, models=("seasonal_naive",))
    assert len(result.forecasts) == len(future)
    assert (result.forecasts["ds"].dt.dayofweek != 6).all()


def test_same_seed_same_forecasts(chain):
    history, _ = chain
    part = history[history["unique_id"].isin(["P00", "P01", "P02"])]
    first = forecast(part, 7, "D", models=("global", "seasonal_naive"), **FAST).forecasts
    second = forecast(part, 7, "D", models=("global", "seasonal_naive"), **FAST).forecasts
    pd.testing.assert_frame_equal(first, second)
    assert pickle.loads(pickle.dumps(first)).equals(first)


def test_seasonal_naive_serves_no_slow_mover_but_stays_the_baseline():
    from ml.forecasting import engine

    classes = np.array(["intermittent", "lumpy", "zero", "smooth", "erratic"])
    permitted = engine.allowed(("global", "tsb", "seasonal_naive"), classes)
    assert permitted[2].tolist() == [False, False, False, True, True]
    assert permitted[0].all()
    assert permitted[1].tolist() == [True, True, True, False, False]


def test_the_choice_prefers_the_mean_to_a_forecast_of_nothing():
    """Absolute error is least for zero on a series that sells one day in ten; the choice is by
    squared error, least for the mean that restock sums over a lead time."""
    from ml.forecasting import api, engine

    rng = np.random.default_rng(3)
    actual = (rng.random((1, 4, 1, 28)) < 0.1).astype(float)  # [W, n, H] per model below
    runs = api._Runs(
        models=("moving_average", "seasonal_naive"),
        cutoffs=[0, 28, 56, 84],
        preds={"moving_average": np.full((4, 1, 28), 0.1), "seasonal_naive": np.zeros((4, 1, 28))},
        actual=actual[0],
        scale=np.ones((4, 1)),
        classes=np.array(["smooth"]),
        permitted=np.ones((2, 1), dtype=bool),
    )
    everything = np.arange(4)
    pick = engine.choose(api._errors(runs, everything), runs.permitted, runs.models, runs.classes)
    assert runs.models[pick[0]] == "moving_average"
