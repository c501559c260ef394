"""Weekly store, category and chain totals add up to the daily product × store detail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.forecasting import reconcile_weekly


def test_weekly_aggregates_sum_the_detail_and_keep_ordered_bands(chain, chain_forecast,
                                                                 chain_backtest):  # fmt: skip
    _, static = chain
    hierarchy = static.assign(store=np.where(static["unique_id"] < "P06", "T01", "T02"))
    detail = chain_forecast.forecasts
    auto = chain_backtest.forecasts
    auto = auto[auto["model"] == "auto"]
    weekly = reconcile_weekly(detail, hierarchy, backtest=auto)

    assert set(weekly["level"]) == {"series", "category", "store", "chain"}
    chain_total = weekly[weekly["level"] == "chain"].set_index("ds")["p50"]
    for level in ("series", "category", "store"):
        summed = weekly[weekly["level"] == level].groupby("ds")["p50"].sum()
        pd.testing.assert_series_equal(summed, chain_total, check_names=False)
    assert np.isclose(chain_total.sum(), detail["p50"].sum())
    assert (weekly["p10"] <= weekly["p50"]).all() and (weekly["p50"] <= weekly["p90"]).all()
    assert set(weekly.loc[weekly["level"] == "chain", "band"]) == {"backtest"}
    assert weekly["days"].max() == 7 and weekly["ds"].dt.dayofweek.eq(0).all()

    independent = reconcile_weekly(detail, hierarchy)
    assert set(independent["band"]) == {"independent"}
    pd.testing.assert_series_equal(independent["p50"], weekly["p50"])
