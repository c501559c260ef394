"""The nightly restock plan on the planted demo chain plans with tonight's forecast: every series
the forecast covers is planned from it, its safety stock from that model's backtest errors."""

from __future__ import annotations

import pytest

from pipelines.snapshot import open_snapshot


@pytest.fixture(scope="module")
def plan(demo_warehouse):
    with open_snapshot(demo_warehouse.snapshot_path) as con:
        return con.execute(
            """
            with forecast as (
                select distinct product_id, store_id, model from ml.fct_forecast
                where level = 'product_store_day'
            )
            select r.product_id, r.store_id, r.has_forecast, r.error_source,
                   r.daily_error_std_qty, coalesce(own.rmse, auto.rmse) as rmse,
                   f.model is not null as forecast_exists
            from ml.fct_restock_recommendations r
            left join forecast f using (product_id, store_id)
            left join ml.fct_forecast_accuracy own
              on own.level = 'series' and own.product_id = r.product_id
             and own.store_id = r.store_id and own.model = f.model
            left join ml.fct_forecast_accuracy auto
              on auto.level = 'series' and auto.product_id = r.product_id
             and auto.store_id = r.store_id and auto.model = 'auto'
            where not r.is_warehouse
            """
        ).df()


def test_every_forecast_series_is_planned_from_the_forecast(plan):
    forecast = plan[plan["forecast_exists"]]
    assert len(forecast) > 100
    assert forecast["has_forecast"].all()


def test_safety_stock_reads_the_forecasts_backtest_error(plan):
    """The chosen model's own backtest error where the backtest kept it, else the error of the
    per-series choice itself (``auto``)."""
    forecast = plan[plan["forecast_exists"] & plan["rmse"].notna()]
    assert len(forecast) > 0.9 * plan["forecast_exists"].sum()
    assert (forecast["error_source"] == "backtest").all()
    assert forecast["daily_error_std_qty"].to_numpy() == pytest.approx(forecast["rmse"].to_numpy())
