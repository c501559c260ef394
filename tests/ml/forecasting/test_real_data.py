"""Small slices of real retail histories nobody here generated (data/real): the library must
beat seasonal naive on them too, measured in the same run."""

from __future__ import annotations

import pandas as pd
import pytest

from erp_core.paths import REAL_DATA_DIR
from ml.forecasting import backtest
from tests.ml.forecasting.conftest import FAST


def overall(result) -> pd.DataFrame:
    metrics = result.metrics
    return metrics[metrics["level"] == "all"].set_index("model")


@pytest.mark.parametrize("engine", ["lightgbm", "hgb"])
def test_cheese_weekly_with_price_and_display_beats_seasonal_naive(engine):
    frame = pd.read_parquet(REAL_DATA_DIR / "cheese_weekly_retailers.parquet")
    keep = sorted(frame["RETAILER"].unique())[:20]
    frame = frame[frame["RETAILER"].isin(keep)]
    history = pd.DataFrame(
        {
            "unique_id": frame["RETAILER"],
            "ds": pd.Timestamp("1990-01-04")
            + pd.to_timedelta(7 * (frame["obs_in_retailer"] - 1), unit="D"),
            "y": frame["VOLUME"].astype(float),
            "PRICE": frame["PRICE"],
            "DISP": frame["DISP"],
        }
    )
    models = ("global", "seasonal_naive", "moving_average")
    result = backtest(history, 8, "W", windows=2, models=models, engine_name=engine, **FAST)
    table = overall(result)
    assert table.loc["global", "wape"] < table.loc["seasonal_naive", "wape"]
    assert (result.forecasts["ds"].dt.dayofweek == 3).all()  # laid on Thursdays


def test_online_retail_daily_intermittent_products_beat_seasonal_naive():
    lines = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    lines = lines[~lines["InvoiceNo"].astype(str).str.startswith("C") & (lines["Quantity"] > 0)]
    lines = lines.assign(ds=lines["InvoiceDate"].dt.normalize())
    days = lines.groupby("StockCode")["ds"].nunique().sort_values()
    keep = days.index[(days >= 40) & (days <= 120)][:40]  # slow movers
    daily = lines[lines["StockCode"].isin(keep)].groupby(["StockCode", "ds"])["Quantity"].sum()
    history = daily.rename("y").reset_index().rename(columns={"StockCode": "unique_id"})
    models = ("croston", "tsb", "adida", "moving_average", "seasonal_naive")
    result = backtest(history, 14, "D", windows=2, gaps="zero", models=models)
    table = overall(result)
    assert (
        result.card["demand_classes"].get("lumpy", 0)
        + result.card["demand_classes"].get("intermittent", 0)
        > 20
    )
    assert table.loc["auto", "mase"] < table.loc["seasonal_naive", "mase"]


def test_aus_monthly_turnover_with_ets_and_theta_beats_seasonal_naive():
    frame = pd.read_parquet(REAL_DATA_DIR / "aus_retail_monthly.parquet")
    keep = sorted(frame["series_id"].unique())[:5]
    frame = frame[frame["series_id"].isin(keep) & (frame["Month"] >= "2008-01-01")]
    history = frame.rename(columns={"series_id": "unique_id", "Month": "ds", "Turnover": "y"})
    result = backtest(history[["unique_id", "ds", "y"]], 12, "M", windows=2,
                      models=("ets", "theta", "seasonal_naive"))  # fmt: skip
    table = overall(result)
    assert (
        min(table.loc["ets", "wape"], table.loc["theta", "wape"])
        < table.loc["seasonal_naive", "wape"]
    )
    assert table.loc["auto", "coverage_p90"] > table.loc["auto", "coverage_p10"]
