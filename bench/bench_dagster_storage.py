"""What Dagster's storage costs a run: a real run's events written to SQLite (the previous
storage) and to Postgres (``pipelines.dagster_storage``), alternating, same run.

The events of the run with the most events in ``--source`` (a SQLite Dagster home, copied
first, e.g. ``var/dev/dagster`` after a whole-graph run: the number of events follows the graph,
~650 dbt nodes, not the size of the chain) are stored one by one, in order, as the run stored
them, into a fresh SQLite home and a fresh Postgres database (``DAGSTER_PG_URL``, else a new
database on the configured server), with the CLI's progress poll (``all_logs`` of the run every
0.3 s) going alongside. Prints events, seconds, milliseconds an event and the ratio.

    INNOVALOGIX_HOME=var/medium uv run python bench/bench_dagster_storage.py \\
        --source var/dev/dagster [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import dagster as dg

from erp_core import db
from pipelines import dagster_storage


def copy_home(source: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="dagster-src-"))
    shutil.copytree(source / "history", target / "history")
    (target / "dagster.yaml").write_text(dagster_storage.SQLITE_YAML)
    return target


def largest_run(instance: dg.DagsterInstance) -> tuple[dg.DagsterRun, list]:
    runs = [(run, instance.all_logs(run.run_id)) for run in instance.get_runs()]
    return max(runs, key=lambda pair: len(pair[1]))


def fresh_sqlite() -> dg.DagsterInstance:
    home = Path(tempfile.mkdtemp(prefix="dagster-sqlite-"))
    (home / "dagster.yaml").write_text(dagster_storage.SQLITE_YAML)
    return dg.DagsterInstance.from_config(str(home))


def fresh_postgres(server: str) -> tuple[dg.DagsterInstance, str]:
    name = f"bench_dagster_{uuid.uuid4().hex[:8]}"
    url = db.with_database(server, name)
    with db.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    home = Path(tempfile.mkdtemp(prefix="dagster-pg-"))
    (home / "dagster.yaml").write_text(dagster_storage.DAGSTER_YAML)
    os.environ[dagster_storage.PG_URL_ENV] = dagster_storage._sqlalchemy_url(url)
    instance = dg.DagsterInstance.from_config(str(home))
    dagster_storage.hold_connections(instance)
    return instance, url


def replay(source: dg.DagsterInstance, run: dg.DagsterRun, events, target) -> float:
    """Seconds to store ``events`` into ``target`` one by one, with a progress poll."""
    target.run_storage.add_job_snapshot(source.get_job_snapshot(run.job_snapshot_id))
    plan = run.execution_plan_snapshot_id
    target.run_storage.add_execution_plan_snapshot(source.get_execution_plan_snapshot(plan))
    target.run_storage.add_run(run)
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.3):
            target.all_logs(run.run_id)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    start = time.perf_counter()
    for record in events:
        target.event_log_storage.store_event(record)
    seconds = time.perf_counter() - start
    stop.set()
    poller.join()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    source_home = copy_home(args.source)
    source = dg.DagsterInstance.from_config(str(source_home))
    run, events = largest_run(source)
    print(f"run {run.run_id} of {run.job_name}: {len(events):,} events; load {os.getloadavg()}")
    server = db.database_url()
    results: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    for round_ in range(args.rounds):
        sqlite = fresh_sqlite()
        results["sqlite"].append(replay(source, run, events, sqlite))
        postgres, url = fresh_postgres(server)
        try:
            results["postgres"].append(replay(source, run, events, postgres))
        finally:
            postgres.dispose()
            db.drop_database(server, url)
        print(
            f"round {round_ + 1}: sqlite {results['sqlite'][-1]:.2f} s, postgres "
            f"{results['postgres'][-1]:.2f} s; load {os.getloadavg()}"
        )
    best = {k: min(v) for k, v in results.items()}
    per_event = {k: 1000 * v / len(events) for k, v in best.items()}
    print(
        f"best: sqlite {best['sqlite']:.2f} s ({per_event['sqlite']:.2f} ms/event), postgres "
        f"{best['postgres']:.2f} s ({per_event['postgres']:.2f} ms/event): "
        f"{best['postgres'] / best['sqlite']:.2f}x"
    )


if __name__ == "__main__":
    main()
