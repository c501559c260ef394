"""The nightly forecast on the planted demo chain: what the pipeline publishes finds the truth.

The chain ends 20/01/2026: its horizon (21/01 to 17/03) holds this year's campaña escolar and the
promotions already planned in the core; its history holds last year's campaign and Navidad.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.ml_inputs import demand_frames

CHRISTMAS = ("Panetones", "Decoración y Navidad")  # planted 18x and 25x in Navidad
SCHOOL = ("Cuadernos", "Escritura", "Mochilas y loncheras", "Libros", "Uniformes escolares",
          "Arte y manualidades")  # fmt: skip


@pytest.fixture(scope="module")
def daily(snapshot) -> pd.DataFrame:
    return snapshot.execute(
        """
        select f.ds, f.store_id, f.product_id, f.p10, f.p50, f.p90, f.model, f.model_version,
               p.sku, p.category_name, s.store_name
        from ml.fct_forecast f
        join marts.dim_product p using (product_id)
        join marts.dim_store s using (store_id)
        where f.level = 'product_store_day'
        """
    ).df()


def _overall(snapshot, model: str) -> dict:
    return (
        snapshot.execute(
            "select wape, coverage_p10, coverage_p90 from ml.fct_forecast_accuracy "
            "where level = 'all' and model = ?",
            [model],
        )
        .df()
        .iloc[0]
    )


def test_the_chosen_models_beat_seasonal_naive_in_the_backtest(snapshot):
    chosen, naive = _overall(snapshot, "auto"), _overall(snapshot, "seasonal_naive")
    assert chosen["wape"] < naive["wape"]


def test_p90_covers_about_ninety_percent_of_backtest_actuals(snapshot):
    assert 0.80 <= _overall(snapshot, "auto")["coverage_p90"] <= 0.97


def test_p10_is_a_calibrated_lower_quantile_on_the_fast_movers(snapshot):
    """Daily demand is discrete and often zero, so 'P10 covers 10 %' means P(y < P10) <= 0.1
    <= P(y <= P10): checked on a backtest of the chain's busiest series."""
    from ml.forecasting import backtest

    frames = demand_frames(snapshot, history_days=400, horizon_days=1)
    volume = frames["history"].groupby("unique_id")["y"].sum().nlargest(40).index
    history = frames["history"][frames["history"]["unique_id"].isin(volume)]
    result = backtest(history, 28, "D", windows=2, seed=1)
    chosen = result.forecasts[(result.forecasts["model"] == "auto") & result.forecasts["y"].notna()]
    below = (chosen["y"] < chosen["p10"]).mean()
    at_or_below = (chosen["y"] <= chosen["p10"]).mean()
    assert below <= 0.15
    assert at_or_below >= 0.05


def test_every_row_is_banded_and_traced_to_a_saved_model(daily, demo_warehouse):
    assert len(daily) > 0
    assert (daily["p10"] >= 0).all()
    assert (daily["p10"] <= daily["p50"]).all() and (daily["p50"] <= daily["p90"]).all()
    versions = daily["model_version"].unique()
    assert len(versions) == 1
    assert (demo_warehouse.models_dir / "demand_forecast" / versions[0] / "card.json").exists()


def test_the_horizon_is_eight_weeks_after_the_last_complete_day(daily, demo_warehouse):
    days = pd.to_datetime(daily["ds"]).dt.date
    assert days.min() == demo_warehouse.end_date + dt.timedelta(days=1)
    assert days.max() == demo_warehouse.end_date + dt.timedelta(days=56)


def test_weekly_totals_add_up_to_the_detail(snapshot):
    gaps = snapshot.execute(
        """
        with detail as (
            select store_id, date_trunc('week', ds) as week, sum(p50) as p50
            from ml.fct_forecast where level = 'product_store_day' group by 1, 2
        )
        select count(*), max(abs(w.p50 - d.p50))
        from ml.fct_forecast w
        join detail d on d.store_id = w.store_id and d.week = w.ds
        where w.level = 'store_week'
        """
    ).fetchone()
    assert gaps[0] > 0
    assert gaps[1] < 1e-6


def test_the_campana_escolar_is_anticipated_for_school_categories_only(daily):
    days = pd.to_datetime(daily["ds"])
    before = daily[(days >= "2026-01-21") & (days <= "2026-01-31")]
    during = daily[(days >= "2026-02-02") & (days <= "2026-03-15")]

    def daily_rate(frame, school: bool) -> float:
        rows = frame[frame["category_name"].isin(SCHOOL) == school]
        return rows["p50"].sum() / rows["ds"].nunique()

    school_rise = daily_rate(during, True) / daily_rate(before, True)
    other_rise = daily_rate(during, False) / daily_rate(before, False)
    assert school_rise > 1.5
    assert school_rise > 1.3 * other_rise
    assert 0.6 < other_rise < 1.5


def test_the_december_peak_is_anticipated_from_last_years(snapshot):
    """Cut on 10/12/2025, the forecast of 15-24/12 knows last December's peak (its history
    holds 17-24/12/2024) for the Christmas categories, and only a payday-sized rise for those
    the demo plants nothing on."""
    from erp_core.demo.calendar import EVENTS
    from ml.forecasting import forecast

    frames = demand_frames(snapshot, history_days=400, horizon_days=1)
    history, static = frames["history"], frames["static"]
    cut = pd.Timestamp("2025-12-10")
    future = history[(history["ds"] > cut) & (history["ds"] <= cut + pd.Timedelta(days=28))]
    future = future.drop(columns=["y", "censored"])
    result = forecast(history[history["ds"] <= cut], 28, "D", future,
                      static=static[["unique_id", "store_code", "category_name", "abc_class"]],
                      event_group="category_name", windows=1, n_estimators=100, seed=1)  # fmt: skip
    f = result.forecasts.merge(static[["unique_id", "category_name"]], on="unique_id")
    peak = f[(f["ds"] >= "2025-12-15") & (f["ds"] <= "2025-12-24")]
    after = f[(f["ds"] >= "2025-12-27") & (f["ds"] <= "2026-01-07")]
    navidad = {c for e in EVENTS if e.name.startswith("navidad") for c in e.categories}

    def rise(categories) -> float:
        def rate(frame):
            rows = frame[frame["category_name"].isin(categories)]
            return rows["p50"].sum() / rows["ds"].nunique()

        return rate(peak) / rate(after)

    untouched = set(static["category_name"]) - navidad
    assert rise(CHRISTMAS) > 3.0
    assert 0.8 < rise(untouched) < 1.8


def test_a_planned_promotion_raises_its_product_forecast(daily, demo_warehouse):
    planned = demo_warehouse.truth["promotion_uplift"]["planned_promotions"]
    rises = []
    for promo in planned:
        rows = daily[daily["sku"] == promo["sku"]]
        if promo["store"] is not None:
            rows = rows[rows["store_name"] == promo["store"]]
        days = pd.to_datetime(rows["ds"])
        on = (days >= promo["starts_on"]) & (days <= promo["ends_on"])
        if on.any() and (~on).any():
            rises.append(rows.loc[on, "p50"].mean() / max(rows.loc[~on, "p50"].mean(), 1e-9))
    assert len(rises) >= 5
    assert pd.Series(rises).median() > 1.1
    assert (pd.Series(rises) > 1).mean() >= 0.7
