"""Forecasting the medium demo chain: every product × store series, backtest included, timed,
against seasonal naive (all series) and Prophet given the same holidays and regressors (a
sample), the same windows for every model.

Reads the published warehouse snapshot read-only through the pipeline's
``demand_frames``: daily units per listed product × store, stockout days censored (demand
unknown), the price calendar (effective and regular price, discount, promotion flag) and
calendar flags as regressors, the planned prices as the future frame, store, category and ABC
class as attributes. Goals (issue 15): WAPE at least 25 % below
seasonal naive and 10 % below Prophet, P90 coverage 85-95 %, all series in at most 15 minutes
on this 2-core machine. Run under ``flock /tmp/bench.lock``; results go to docs/BENCHMARKS.md.

    uv run python bench/bench_forecast_demo.py [--snapshot var/medium/warehouse_snapshot.duckdb]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from erp_core.paths import PROJECT_ROOT
from ml.forecasting import backtest, forecast


def load(snapshot: Path, history_days: int, horizon: int) -> dict[str, pd.DataFrame]:
    """The pipeline's own inputs (``pipelines.ml_inputs.demand_frames``), so the bench measures
    what the nightly run forecasts."""
    from pipelines.ml_inputs import demand_frames

    with duckdb.connect(str(snapshot), read_only=True) as conn:
        return demand_frames(conn, history_days, horizon)


def overall(metrics: pd.DataFrame) -> pd.DataFrame:
    table = metrics[metrics["level"] == "all"].set_index("model")
    base = table.loc["seasonal_naive", "wape"]
    return table.assign(vs_snaive=table["wape"] / base - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--snapshot",
        type=Path,
        default=PROJECT_ROOT / "var" / "medium" / "warehouse_snapshot.duckdb",
    )
    parser.add_argument("--horizon", type=int, default=56)
    parser.add_argument("--history-days", type=int, default=730)
    parser.add_argument("--windows", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=30, help="series compared with Prophet")
    parser.add_argument("--engine", default="lightgbm", choices=("lightgbm", "hgb"))
    args = parser.parse_args()  # fmt: skip

    started = time.perf_counter()
    frames = load(args.snapshot, args.history_days, args.horizon)
    history, future = frames["history"], frames["future"]
    static = frames["static"][["unique_id", "store_code", "category_name", "abc_class"]]
    loaded = time.perf_counter() - started
    n = history["unique_id"].nunique()
    print(f"{n:,} series, {len(history):,} rows, {history['ds'].min():%Y-%m-%d} .. "
          f"{history['ds'].max():%Y-%m-%d}, censored {history['censored'].mean():.1%}; "
          f"loaded in {loaded:.1f} s")  # fmt: skip

    started, cpu = time.perf_counter(), time.process_time()
    result = forecast(history, args.horizon, "D", future, static=static, windows=args.windows,
                      event_group="category_name", engine_name=args.engine, n_jobs=args.jobs,
                      seed=0,
                      keep_backtest=("auto", "seasonal_naive", "global"))  # fmt: skip
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = overall(result.backtest.metrics)
    columns = ["wape", "mase", "bias", "coverage_p10", "coverage_p90", "vs_snaive", "n"]
    print(table[columns].sort_values("wape").round(3).to_string())
    print(f"forecast + {args.windows}-window backtest: {elapsed:.0f} s ({cpu:.0f} s CPU), "
          f"{n / elapsed:.1f} series/s, "
          f"peak RSS {peak:,.0f} MB; models chosen {result.card['models_chosen']}")  # fmt: skip

    # Prophet is for series that sell most days (the library gives it no sparse series): the
    # sample is drawn from the series selling on at least half of their days.
    rng = np.random.default_rng(0)
    selling = history.assign(sold=history["y"] > 0).groupby("unique_id")["sold"].mean()
    busy = np.sort(selling[selling >= 0.5].index.to_numpy())
    sample = rng.choice(busy, min(args.sample, len(busy)), replace=False)
    print(f"{len(busy):,} series sell on at least half of their days; {len(sample)} sampled")
    part = history[history["unique_id"].isin(sample)]
    started = time.perf_counter()
    prophet = backtest(part, args.horizon, "D", args.windows, models=("prophet", "seasonal_naive"))
    print(f"Prophet on {args.sample} series: {time.perf_counter() - started:.0f} s")
    ours = result.backtest.forecasts
    ours = ours[(ours["model"] == "auto") & ours["unique_id"].isin(sample)]
    theirs = prophet.forecasts[prophet.forecasts["model"] == "prophet"]
    # Prophet serves smooth and erratic series only (NaN on the sparse ones): both models are
    # scored on the cells Prophet forecast, or the sparse series' errors would count for one only.
    keys = ["unique_id", "ds"]
    served = theirs.loc[theirs["p50"].notna() & theirs["y"].notna(), keys]
    print(f"Prophet served {served['unique_id'].nunique()} of {args.sample} sampled series")
    for name, frame in (("auto", ours), ("prophet", theirs)):
        seen = frame.merge(served, on=keys)
        error = seen["p50"] - seen["y"]
        print(
            f"sample {name}: WAPE {error.abs().sum() / seen['y'].sum():.3f}, "
            f"bias {error.sum() / seen['y'].sum():+.3f}, n {len(seen)}"
        )


if __name__ == "__main__":
    main()
