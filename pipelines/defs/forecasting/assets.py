"""Demand forecasts per product × store × day, with weekly totals and backtest accuracy."""

import time

import dagster as dg
import numpy as np
import pandas as pd

from erp_core.settings import get_settings
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.ml_inputs import demand_frames, mart_keys
from pipelines.ml_tables import ml_asset_key, not_trained, write_ml_table

FORECAST = ml_asset_key("fct_forecast")
ACCURACY = ml_asset_key("fct_forecast_accuracy")
MODEL_NAME = "demand_forecast"
MIN_TRAINING_DAYS = 91
MIN_BACKTEST_DAYS = 7  # one week to fit on before a single backtest window
CHECKS = [
    ("fct_forecast", "check_fct_forecast_bands"),
    ("fct_forecast_accuracy", "check_fct_forecast_accuracy_beats_seasonal_naive"),
]
DETAIL = "product_store_day"
LEVEL_NAMES = {"series": "product_store_week", "store_code": "store_week",
               "category_name": "category_week", "chain": "chain_week"}  # fmt: skip
INPUT_MARTS = ("fct_inventory_daily", "fct_price_calendar", "fct_price_calendar_future",
               "dim_date", "dim_product", "dim_store", "mart_data_completeness")  # fmt: skip


class ForecastConfig(dg.Config):
    horizon_days: int = 56  # 8 weeks
    history_days: int = 400  # a year and a bit: last year's campaigns are in the history
    backtest_windows: int = 2
    max_training_rows: int = 600_000
    n_jobs: int = 2  # the global model's threads and the per-series models' processes


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            FORECAST,
            description="Pronóstico de demanda P10/P50/P90 por producto × tienda × día (8 "
            "semanas) y sus totales semanales por tienda, categoría y cadena.",
            group_name="ml",
            kinds={"python", "duckdb"},
            owners=["team:data-platform"],
            deps=mart_keys(*INPUT_MARTS),
        ),
        dg.AssetSpec(
            ACCURACY,
            description="Precisión del pronóstico en backtest (WAPE, MASE, sesgo, cobertura "
            "P10/P90) por serie, modelo, categoría y tienda.",
            group_name="ml",
            kinds={"python", "duckdb"},
            owners=["team:data-platform"],
            deps=mart_keys(*INPUT_MARTS),
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(CHECKS[0][1], asset=FORECAST, blocking=True),
        dg.AssetCheckSpec(CHECKS[1][1], asset=ACCURACY),
    ],
)
def demand_forecast(
    context: dg.AssetExecutionContext, config: ForecastConfig, warehouse: DuckDBWarehouse
):
    from ml.forecasting import forecast
    from ml.registry import save_model

    started = time.monotonic()
    with warehouse.connect() as con:
        frames = demand_frames(con, config.history_days, config.horizon_days)
    static = frames["static"]
    context.log.info(f"{static.shape[0]:,} series, {len(frames['history']):,} history rows")
    days = frames["history"]["ds"].nunique()
    if days < config.horizon_days + MIN_BACKTEST_DAYS:
        reason = (
            f"{days} días completos de historia; el pronóstico a {config.horizon_days} días "
            f"necesita al menos {config.horizon_days + MIN_BACKTEST_DAYS}"
        )
        context.log.warning(reason)
        yield from not_trained(("fct_forecast", "fct_forecast_accuracy"), CHECKS, reason)
        return
    windows = backtest_windows(frames["history"], config)
    result = forecast(
        frames["history"],
        config.horizon_days,
        "D",
        frames["future"],
        static=static[["unique_id", "store_code", "category_name", "abc_class"]],
        event_group="category_name",
        windows=windows,
        max_rows=config.max_training_rows,
        n_jobs=config.n_jobs,
        progress=lambda text: context.log.info(f"pronóstico: {text}"),
    )
    saved = save_model(get_settings().models_dir, MODEL_NAME, result.model, result.card)
    forecast_rows = forecast_table(result, static, saved.version)
    accuracy_rows = accuracy_table(result, static, saved.version)
    with warehouse.connect() as con:
        write_ml_table(con, "fct_forecast", forecast_rows)
        write_ml_table(con, "fct_forecast_accuracy", accuracy_rows)
    summary = overall_accuracy(accuracy_rows)
    elapsed = time.monotonic() - started
    metadata = {
        "model_version": dg.MetadataValue.text(saved.version),
        "series": dg.MetadataValue.int(len(static)),
        "backtest_windows": dg.MetadataValue.int(windows),
        "elapsed_s": dg.MetadataValue.float(round(elapsed, 1)),
        "models_chosen": dg.MetadataValue.json(result.card.get("models_chosen", {})),
        **{f"wape_{m}": dg.MetadataValue.float(round(v["wape"], 4)) for m, v in summary.items()},
    }
    yield dg.MaterializeResult(
        asset_key=FORECAST,
        metadata={**metadata, "dagster/row_count": dg.MetadataValue.int(len(forecast_rows))},
    )
    yield dg.MaterializeResult(
        asset_key=ACCURACY,
        metadata={**metadata, "dagster/row_count": dg.MetadataValue.int(len(accuracy_rows))},
    )
    yield band_check(forecast_rows)
    yield accuracy_check(summary, windows)


def backtest_windows(history: pd.DataFrame, config: ForecastConfig) -> int:
    """As many of the configured windows as leave each a year's quarter of training before the
    horizon (the global model reads demand over the last 91 days at its origin): a short
    history (a new chain, the small demo) is backtested on fewer windows, never on none."""
    days = history["ds"].nunique()
    room = (days - MIN_TRAINING_DAYS - config.horizon_days) // config.horizon_days + 1
    return int(max(1, min(config.backtest_windows, room)))


def forecast_table(result, static: pd.DataFrame, version: str) -> pd.DataFrame:
    """Daily detail plus weekly totals per series, store, category and chain (bottom-up)."""
    from ml.forecasting import reconcile_weekly

    ids = static.set_index("unique_id")
    detail = result.forecasts.assign(level=DETAIL, key=result.forecasts["unique_id"])
    hierarchy = static[["unique_id", "store_code", "category_name"]]
    chosen = result.backtest.forecasts
    chosen = chosen[chosen["model"] == "auto"] if "model" in chosen else chosen
    weekly = reconcile_weekly(result.forecasts, hierarchy, backtest=chosen)
    weekly = weekly.assign(level=weekly["level"].map(LEVEL_NAMES).fillna(weekly["level"]))
    weekly["model"] = "reconciled_bottom_up"
    both = pd.concat([detail, weekly], ignore_index=True)
    series = both["level"].isin([DETAIL, "product_store_week"])
    key = both["key"].astype(str)
    both["store_id"] = np.where(series, key.map(ids["store_id"]), np.nan)
    both["product_id"] = np.where(series, key.map(ids["product_id"]), np.nan)
    store_of_code = ids.drop_duplicates("store_code").set_index("store_code")["store_id"]
    stores = both["level"] == "store_week"
    both.loc[stores, "store_id"] = key[stores].map(store_of_code)
    category_id = ids.drop_duplicates("category_name").set_index("category_name")["category_id"]
    both["category_id"] = np.where(
        series,
        key.map(ids["category_id"]),
        key.map(category_id).where(both["level"] == "category_week"),
    )
    both["ds"] = pd.to_datetime(both["ds"]).dt.date
    both["model_version"] = version
    columns = ["level", "key", "store_id", "product_id", "category_id", "ds",
               "p10", "p50", "p90", "model", "model_version"]  # fmt: skip
    out = both[columns].copy()
    for column in ("store_id", "product_id", "category_id"):
        out[column] = out[column].astype("Int64")
    return out


def series_rmse(backtest: pd.DataFrame) -> pd.DataFrame:
    """Each series' and model's daily RMSE over the scored backtest cells (restock's σ)."""
    scored = backtest.dropna(subset=["y"])
    return (
        scored.assign(sq=(scored["y"] - scored["p50"]) ** 2)
        .groupby(["unique_id", "model"])["sq"]
        .mean()
        .pow(0.5)
        .rename("rmse")
        .reset_index()
    )


def accuracy_table(result, static: pd.DataFrame, version: str) -> pd.DataFrame:
    """Backtest metrics per series, store, category and all, for each candidate model, with
    each series' daily error spread (restock's safety stock reads ``rmse``)."""
    metrics = result.backtest.metrics.copy()
    metrics = metrics.merge(series_rmse(result.backtest.forecasts), on=["unique_id", "model"],
                            how="left")  # fmt: skip
    ids = static.set_index("unique_id")
    uid = metrics["unique_id"].astype("string")
    metrics["store_id"] = uid.map(ids["store_id"]).astype("Int64")
    metrics["product_id"] = uid.map(ids["product_id"]).astype("Int64")
    metrics["category_id"] = uid.map(ids["category_id"]).astype("Int64")
    metrics["model_version"] = version
    return metrics


def overall_accuracy(accuracy: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The chain-wide ('all') backtest metrics of each model."""
    overall = accuracy[accuracy["level"] == "all"]
    return {
        str(row.model): {"wape": float(row.wape), "coverage_p90": float(row.coverage_p90)}
        for row in overall.itertuples()
    }


def band_check(forecasts: pd.DataFrame) -> dg.AssetCheckResult:
    inverted = forecasts[
        (forecasts["p10"] > forecasts["p50"]) | (forecasts["p50"] > forecasts["p90"])
    ]
    negative = forecasts[forecasts["p10"] < 0]
    bad = pd.concat([inverted, negative]).drop_duplicates()
    return dg.AssetCheckResult(
        check_name="check_fct_forecast_bands",
        asset_key=FORECAST,
        passed=bad.empty,
        metadata={
            "inverted": dg.MetadataValue.int(len(inverted)),
            "negative": dg.MetadataValue.int(len(negative)),
            "first_bad": dg.MetadataValue.text(bad.head(3).to_string() if len(bad) else ""),
        },
    )


def accuracy_check(summary: dict[str, dict[str, float]], windows: int) -> dg.AssetCheckResult:
    """The chosen models together must beat seasonal naive's backtest WAPE.

    Their accuracy is scored out of sample ("auto": each window scored with the choice made on
    the others), which needs two windows; a history too short for two gives a warning instead.
    """
    naive = summary.get("seasonal_naive", {}).get("wape", float("nan"))
    if windows < 2 or "auto" not in summary:
        return dg.AssetCheckResult(
            check_name="check_fct_forecast_accuracy_beats_seasonal_naive",
            asset_key=ACCURACY,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description="Historia demasiado corta para dos ventanas de backtest: la elección de "
            "modelos no se pudo evaluar fuera de muestra.",
            metadata={"wape_seasonal_naive": dg.MetadataValue.float(naive)},
        )
    chosen = summary["auto"]["wape"]
    return dg.AssetCheckResult(
        check_name="check_fct_forecast_accuracy_beats_seasonal_naive",
        asset_key=ACCURACY,
        passed=bool(chosen < naive),
        metadata={
            "wape_chosen": dg.MetadataValue.float(chosen),
            "wape_seasonal_naive": dg.MetadataValue.float(naive),
        },
    )
