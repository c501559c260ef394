"""Where Dagster keeps its runs, event log and schedules: Postgres (``dagster-postgres``).

``DAGSTER_PG_URL`` when set; otherwise a database of its own beside the core's: ``dagster`` on
the embedded server, or ``<core database>_dagster`` on the ``DATABASE_URL`` server (so every test
database gets its own). It is created on first use. SQLite under ``$INNOVALOGIX_HOME/dagster``
was the storage before: it wrote each event to a file per run (the floor of the hourly refresh,
docs/BENCHMARKS.md) and admits no concurrent runs. A home that already holds SQLite history
keeps working on it until ``innovalogix pipeline migrate-storage`` copies its runs, events and
schedule states to Postgres (``migrate_sqlite_home``).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import dagster as dg
from psycopg.conninfo import conninfo_to_dict

from erp_core import db
from erp_core.settings import get_settings

logger = logging.getLogger(__name__)

PG_URL_ENV = "DAGSTER_PG_URL"
EMBEDDED_DATABASE = "dagster"
MARK = "# written by innovalogix: Dagster storage on Postgres (pipelines/dagster_storage.py)"

# The instance the CLI, `dagster dev` and the dashboards share. One run at a time: every run
# writes the warehouse, and DuckDB admits one writing process.
DAGSTER_YAML = f"""\
{MARK}
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
storage:
  postgres:
    postgres_url:
      env: {PG_URL_ENV}
"""

# What earlier versions wrote: SQLite files under the home.
SQLITE_YAML = """\
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""
SQLITE_BACKUP_NAME = "dagster.yaml.sqlite"


def dagster_home() -> Path:
    """``$INNOVALOGIX_HOME/dagster`` with its ``dagster.yaml``: written on first use; the
    previous default (SQLite) is replaced only while it holds no runs."""
    home = get_settings().home / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or (config.read_text() == SQLITE_YAML and not has_sqlite_history(home)):
        config.write_text(DAGSTER_YAML)
    return home


def has_sqlite_history(home: Path) -> bool:
    return (home / "history" / "runs.db").exists()


def uses_postgres(home: Path) -> bool:
    return PG_URL_ENV in (home / "dagster.yaml").read_text()


def _sqlalchemy_url(libpq_url: str) -> str:
    """A libpq URL or key=value string as the SQLAlchemy URL dagster-postgres takes
    (psycopg2, which it is written for; SQLAlchemy 2.1 would pick psycopg 3); a socket
    directory goes in the query."""
    from erp_core.migrate import sqlalchemy_url

    return sqlalchemy_url(libpq_url).replace("postgresql+psycopg://", "postgresql+psycopg2://", 1)


def default_pg_url() -> str:
    """``DAGSTER_PG_URL``, or Dagster's own database beside the core's (created if missing)."""
    configured = os.environ.get(PG_URL_ENV)
    if configured:
        for scheme in ("postgresql://", "postgres://"):
            if configured.startswith(scheme):
                return "postgresql+psycopg2://" + configured[len(scheme) :]
        return configured
    core = db.database_url()
    name = conninfo_to_dict(core).get("dbname") or "postgres"
    database = EMBEDDED_DATABASE if not get_settings().database_url else f"{name}_dagster"
    url = db.with_database(core, database)
    _create_database_if_missing(core, database)
    return _sqlalchemy_url(url)


def _create_database_if_missing(server: str, name: str) -> None:
    from psycopg import errors, sql

    with db.connect(server, autocommit=True) as conn:
        if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            return
        try:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        except errors.DuplicateDatabase:
            pass  # another process created it meanwhile
        except errors.InsufficientPrivilege as exc:
            raise RuntimeError(
                f"No se pudo crear la base de datos {name} para Dagster en "
                f"{db.describe_server(server)}: créela o indique {PG_URL_ENV}."
            ) from exc


def drop_default_database() -> None:
    """Drop the Dagster database ``default_pg_url`` would use (tests clean up with it)."""
    if os.environ.get(PG_URL_ENV) or not get_settings().database_url:
        return
    core = db.database_url()
    name = f"{conninfo_to_dict(core).get('dbname')}_dagster"
    db.drop_database(core, db.with_database(core, name))


def local_instance() -> dg.DagsterInstance:
    """The instance under ``$INNOVALOGIX_HOME/dagster``; on Postgres its storages hold one
    connection each (dagster-postgres opens one per event otherwise)."""
    home = dagster_home()
    if not uses_postgres(home):
        if has_sqlite_history(home):
            logger.warning(
                "Dagster storage is SQLite in %s: `innovalogix pipeline migrate-storage` moves "
                "it to Postgres",
                home,
            )
        return dg.DagsterInstance.from_config(str(home))
    instance = _postgres_instance(home)
    hold_connections(instance)
    return instance


def _postgres_instance(config_dir: Path) -> dg.DagsterInstance:
    """The instance of ``config_dir``'s dagster.yaml, its ``DAGSTER_PG_URL`` resolved now (set
    for the call only: another home in this process may need another database)."""
    saved = os.environ.get(PG_URL_ENV)
    os.environ[PG_URL_ENV] = default_pg_url()
    try:
        return dg.DagsterInstance.from_config(str(config_dir))
    finally:
        if saved is None:
            os.environ.pop(PG_URL_ENV, None)
        else:
            os.environ[PG_URL_ENV] = saved


def hold_connections(instance: dg.DagsterInstance) -> None:
    """Pool one open connection per storage, as dagster-webserver does for itself."""
    for storage in (instance.run_storage, instance.event_log_storage, instance.schedule_storage):
        optimize = getattr(storage, "optimize_for_webserver", None)
        if optimize is not None:
            optimize(statement_timeout=0, pool_recycle=3600, max_overflow=2)


def migrate_sqlite_home() -> dict[str, int]:
    """Copy a SQLite Dagster home's runs (with their snapshots), every event and the schedule
    and sensor states into Postgres, then switch the home to Postgres. The SQLite files stay
    where they were; their dagster.yaml is kept as ``dagster.yaml.sqlite``."""
    home = get_settings().home / "dagster"
    if not has_sqlite_history(home):
        raise RuntimeError(f"{home} no tiene historia de Dagster en SQLite que migrar.")
    if uses_postgres(home):
        raise RuntimeError(f"{home} ya guarda a Dagster en Postgres.")
    old = dg.DagsterInstance.from_config(str(home))
    staging = home / ".postgres"
    staging.mkdir(exist_ok=True)
    (staging / "dagster.yaml").write_text(
        DAGSTER_YAML + f"local_artifact_storage:\n  module: dagster.core.storage.root\n"
        f"  class: LocalArtifactStorage\n  config:\n    base_dir: {home}\n"
    )
    new = _postgres_instance(staging)
    hold_connections(new)
    counts = {"runs": 0, "events": 0, "states": 0}
    known = {run.run_id for run in new.get_runs()}
    for run in reversed(old.get_runs()):  # oldest first
        if run.run_id in known:
            continue
        if run.job_snapshot_id and not new.run_storage.has_job_snapshot(run.job_snapshot_id):
            new.run_storage.add_job_snapshot(old.get_job_snapshot(run.job_snapshot_id))
        plan_id = run.execution_plan_snapshot_id
        if plan_id and not new.run_storage.has_execution_plan_snapshot(plan_id):
            new.run_storage.add_execution_plan_snapshot(old.get_execution_plan_snapshot(plan_id))
        new.run_storage.add_run(run)
        for record in old.all_logs(run.run_id):
            new.event_log_storage.store_event(record)
            counts["events"] += 1
        counts["runs"] += 1
    for state in old.all_instigator_state():
        if new.get_instigator_state(state.instigator_origin_id, state.selector_id) is None:
            new.add_instigator_state(state)
            counts["states"] += 1
    old.dispose()
    new.dispose()
    shutil.rmtree(staging)
    config = home / "dagster.yaml"
    os.replace(config, home / SQLITE_BACKUP_NAME)
    config.write_text(DAGSTER_YAML)
    return counts
