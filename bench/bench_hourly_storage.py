"""``bench_pipeline.py`` with the time Dagster's event storage takes in each run measured.

Runs ``bench/bench_pipeline.py`` (same arguments: a full refresh, a new day, the hourly refresh)
on the configured home, with the instance's ``store_event`` timed: how many events each run
stored and the seconds it spent storing them (SQLite or Postgres, whichever the home uses; see
``pipelines.dagster_storage``). Results go to ``docs/BENCHMARKS.md``.

    INNOVALOGIX_HOME=var/medium uv run python bench/bench_hourly_storage.py [--skip-full] ...
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_pipeline

from pipelines import runner

_local_instance = runner.local_instance


def timed_instance():
    """The home's instance, its event writes timed; each run's total printed by ``report``."""
    instance = _local_instance()
    storage = instance.event_log_storage
    store_event = storage.store_event
    spent = {"seconds": 0.0, "events": 0}

    def timed(event) -> None:
        started = time.perf_counter()
        store_event(event)
        spent["seconds"] += time.perf_counter() - started
        spent["events"] += 1

    storage.store_event = timed
    TIMINGS.append((type(storage).__name__, spent))
    return instance


TIMINGS: list[tuple[str, dict]] = []
_report = bench_pipeline.report


def report(title: str, r: dict) -> None:
    _report(title, r)
    storage, spent = TIMINGS[-1]
    each = 1000 * spent["seconds"] / max(spent["events"], 1)
    print(
        f"   event storage ({storage}): {spent['events']:,} events stored in "
        f"{spent['seconds']:.1f} s ({each:.2f} ms each)"
    )


runner.local_instance = timed_instance
bench_pipeline.report = report

if __name__ == "__main__":
    bench_pipeline.main()
