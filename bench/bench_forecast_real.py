"""Forecasting on real retail histories nobody here generated: backtests of ``ml.forecasting``
against seasonal naive (all series) and against Prophet given the same holidays and
regressors (a sample of series), the same windows for every model.

- online_retail: daily units per product (StockCode) of a UK online gift-ware retailer, days
  the shop sold nothing at all (closed) left as gaps, other days without a sale are 0;
  products with at least ``--min-days`` selling days. Intermittent, thousands of series.
- aus_retail_monthly: 152 monthly turnover series (state × industry).
- cheese_weekly_retailers: weekly volume per retailer-market with PRICE and DISP (display
  share) as regressors; the source has no dates, so weeks are laid on Wednesdays.

Prints a table per data set and the lines for docs/BENCHMARKS.md. Machines are shared: run it
under ``flock /tmp/bench.lock``.

    uv run python bench/bench_forecast_real.py [--datasets online,aus,cheese] [--engine lightgbm]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from erp_core.paths import REAL_DATA_DIR
from ml.forecasting import backtest


def online_retail(min_days: int) -> pd.DataFrame:
    lines = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    lines = lines[~lines["InvoiceNo"].astype(str).str.startswith("C") & (lines["Quantity"] > 0)]
    lines = lines.assign(ds=lines["InvoiceDate"].dt.normalize())
    daily = lines.groupby(["StockCode", "ds"])["Quantity"].sum().rename("y").reset_index()
    selling = daily.groupby("StockCode")["ds"].nunique()
    keep = selling[selling >= min_days].index
    open_days = np.sort(daily["ds"].unique())
    grid = pd.MultiIndex.from_product([keep, open_days], names=["StockCode", "ds"])
    full = daily.set_index(["StockCode", "ds"]).reindex(grid, fill_value=0).reset_index()
    return full.rename(columns={"StockCode": "unique_id"})[["unique_id", "ds", "y"]]


def aus_retail() -> pd.DataFrame:
    frame = pd.read_parquet(REAL_DATA_DIR / "aus_retail_monthly.parquet")
    frame = frame.rename(columns={"series_id": "unique_id", "Month": "ds", "Turnover": "y"})
    return frame[["unique_id", "ds", "y"]].assign(ds=lambda f: pd.to_datetime(f["ds"]))


def cheese() -> pd.DataFrame:
    frame = pd.read_parquet(REAL_DATA_DIR / "cheese_weekly_retailers.parquet")
    first = pd.Timestamp("1990-01-03")  # a Wednesday
    return pd.DataFrame(
        {
            "unique_id": frame["RETAILER"],
            "ds": first + pd.to_timedelta(7 * (frame["obs_in_retailer"] - 1), unit="D"),
            "y": frame["VOLUME"].astype(float),
            "PRICE": frame["PRICE"],
            "DISP": frame["DISP"],
        }
    )


DATASETS = {
    # name: (loader, freq, horizon, windows)
    "online": ("D", 28, 3),
    "aus": ("M", 12, 3),
    "cheese": ("W", 8, 3),
}


def _below(actual: pd.Series, bound: pd.Series) -> float:
    return float(((actual < bound) + 0.5 * (actual == bound)).mean())


def score(frame: pd.DataFrame) -> pd.DataFrame:
    """WAPE, bias and coverage per model on the rows given (same cells for every model)."""
    seen = frame[frame["y"].notna()]
    rows = []
    for model, part in seen.groupby("model"):
        error = part["p50"] - part["y"]
        rows.append(
            {
                "model": model,
                "wape": error.abs().sum() / part["y"].sum(),
                "bias": error.sum() / part["y"].sum(),
                "coverage_p10": _below(part["y"], part["p10"]),
                "coverage_p90": _below(part["y"], part["p90"]),
                "n": len(part),
            }
        )
    return pd.DataFrame(rows).set_index("model")


def run(name: str, history: pd.DataFrame, args) -> None:
    freq, horizon, windows = DATASETS[name]
    n = history["unique_id"].nunique()
    print(f"\n== {name}: {n} series, {len(history):,} rows, freq {freq}, h={horizon}, K={windows}")
    started, cpu = time.perf_counter(), time.process_time()
    result = backtest(history, horizon, freq, windows, engine_name=args.engine,
                      n_jobs=args.jobs, seed=0, stat_max_series=args.stat_max_series)  # fmt: skip
    elapsed = time.perf_counter() - started
    overall = result.metrics[result.metrics["level"] == "all"].set_index("model")
    base = overall.loc["seasonal_naive", "wape"]
    overall = overall.assign(vs_snaive=overall["wape"] / base - 1)
    columns = ["wape", "mase", "bias", "coverage_p10", "coverage_p90", "vs_snaive", "n"]
    print(overall[columns].sort_values("wape").round(3).to_string())
    chosen = result.forecasts[result.forecasts["model"] == "auto"]
    cpu = time.process_time() - cpu
    print(f"backtest {elapsed:.1f} s ({cpu:.1f} s CPU), {n / elapsed:.1f} series/s, "
          f"peak RSS {_peak_mb():.0f} MB")  # fmt: skip
    rng = np.random.default_rng(0)
    ids = np.sort(history["unique_id"].unique())
    sample = rng.choice(ids, size=min(args.sample, len(ids)), replace=False)
    part = history[history["unique_id"].isin(sample)]
    started = time.perf_counter()
    costly = ("prophet", "ets", "theta", "seasonal_naive")
    prophet = backtest(part, horizon, freq, windows, models=costly, seed=0)
    prophet_s = time.perf_counter() - started
    ours = chosen[chosen["unique_id"].isin(sample)]
    both = pd.concat([ours, prophet.forecasts[prophet.forecasts["model"] != "auto"]])
    table = score(both)
    table = table.assign(vs_prophet=table["wape"] / table.loc["prophet", "wape"] - 1)
    print(f"-- sample of {len(sample)} series vs Prophet, ETS, Theta ({prophet_s:.1f} s):")
    print(table.round(3).to_string())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="online,aus,cheese")
    parser.add_argument("--engine", default="lightgbm", choices=("lightgbm", "hgb"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=20, help="series compared with Prophet")
    parser.add_argument("--min-days", type=int, default=30, help="online: selling days")
    parser.add_argument(
        "--stat-max-series",
        type=int,
        default=300,
        help="ETS/Theta on all series up to this many (else only the sample)",
    )
    args = parser.parse_args()
    loaders = {"online": lambda: online_retail(args.min_days), "aus": aus_retail, "cheese": cheese}
    for name in args.datasets.split(","):
        run(name, loaders[name](), args)


if __name__ == "__main__":
    main()
