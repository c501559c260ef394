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
                   r.daily_error_std_qty, a.rmse, f.model is not null as forecast_exists
            from ml.fct_restock_recommendations r
            left join forecast f using (product_id, store_id)
            left join ml.fct_forecast_accuracy a
              on a.level = 'series' and a.product_id = r.product_id
             and a.store_id = r.store_id and a.model = f.model
            where not r.is_warehouse
            """
        ).df()


def test_every_forecast_series_is_planned_from_the_forecast(plan):
    forecast = plan[plan["forecast_exists"]]
    assert len(forecast) > 100
    assert forecast["has_forecast"].all()


def test_safety_stock_reads_the_chosen_models_backtest_error(plan):
    forecast = plan[plan["forecast_exists"] & plan["rmse"].notna()]
    assert len(forecast) > 0.9 * plan["forecast_exists"].sum()
    assert (forecast["error_source"] == "backtest").all()
    assert forecast["daily_error_std_qty"].to_numpy() == pytest.approx(forecast["rmse"].to_numpy())
