"""The dbt project (``dbt_project/``) as Dagster sees it.

The code location never parses dbt when it loads: ``@dbt_assets`` reads
``dbt_project/target/manifest.json``, which ``dbt parse`` writes. It is prepared

* by ``dagster dev`` (``innovalogix pipeline ui``) on every code-location load
  (``DbtProject.prepare_if_dev``), so model edits show up on reload;
* by ``innovalogix pipeline run`` before it materializes (``prepare()``), unless the manifest
  is current: written by ``dbt parse`` from exactly the project files, dbt version and target
  there are now (a fingerprint beside it says so);
* for a deployment, once at build time: ``innovalogix pipeline prepare``;
* and, as a last resort, on load when no manifest exists at all (a fresh checkout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg

from erp_core.paths import DBT_DIR
from erp_core.settings import get_settings
from pipelines.warehouse import RAW_SCHEMA

logger = logging.getLogger(__name__)

LAYERS = ("staging", "intermediate", "marts")


def dbt_project_exists() -> bool:
    return (DBT_DIR / "dbt_project.yml").exists()


@cache
def dbt_project():
    """The ``DbtProject``, or None while ``dbt_project/`` has no ``dbt_project.yml``."""
    if not dbt_project_exists():
        return None
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=DBT_DIR)


def dbt_executable() -> str:
    """``dbt`` next to this interpreter (the venv's), so it is found without an activated venv."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def cli_resource(project):
    """The ``DbtCliResource`` of ``project``, told the installed dbt-core's version.

    Left alone it runs ``dbt --version`` in a subprocess before its first command (to tell dbt
    Core from dbt Fusion): 2-3 s of every hourly refresh, for a version pip already knows.
    """
    return _installed_dbt_cli_class()(project_dir=project, dbt_executable=dbt_executable())


@cache
def _installed_dbt_cli_class():
    from functools import cached_property

    from dagster_dbt import DbtCliResource
    from packaging import version

    class InstalledDbtCli(DbtCliResource):
        @cached_property
        def _cli_version(self):
            return version.parse(importlib.metadata.version("dbt-core"))

    return InstalledDbtCli


# Read by the project's test macros at execution time only (never while parsing, so setting it
# does not make dbt re-parse): tests of models with a ``test_window_column`` check only the rows
# on or after this date. Unset, every test checks the whole relation.
TEST_WINDOW_ENV = "DBT_TEST_WINDOW_START"


def default_threads() -> int:
    """dbt threads when ``DBT_THREADS`` is unset: one per core (DuckDB parallelises each query
    itself; more dbt threads than cores only make the models and tests wait on each other)."""
    return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def dbt_environment(test_window_start: dt.date | None = None) -> Iterator[None]:
    """Point dbt's profile at this run's warehouse and target (restored afterwards).

    ``dbt_project/profiles.yml`` reads ``WAREHOUSE_PATH`` and ``DBT_TARGET``; they are set from
    the settings so that dbt writes exactly the file the extract wrote, whatever the defaults.

    Args:
        test_window_start: restrict the tests of windowed models to the rows on or after this
            day (the hourly refresh); None tests whole relations.
    """
    settings = get_settings()
    wanted: dict[str, str | None] = {
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "DBT_TARGET": settings.dbt_target,
        "INNOVALOGIX_HOME": str(settings.home),
        "DBT_THREADS": os.environ.get("DBT_THREADS") or str(default_threads()),
        # dbt.log at debug writes every query a second time: 3-4 s of CPU in an hourly build.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE") or "info",
        TEST_WINDOW_ENV: test_window_start.isoformat() if test_window_start else None,
        "PATH": os.pathsep.join([str(Path(dbt_executable()).parent), os.environ.get("PATH", "")]),
    }
    saved = {key: os.environ.get(key) for key in wanted}
    for key, value in wanted.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def stream_asset_events(invocation, context) -> Iterator[Any]:
    """The Dagster events of a running dbt invocation (what ``invocation.stream()`` yields), with
    dbt's output read by a thread of its own.

    Dagster stores every event (a model materialized, a test evaluated) in the instance's event
    log before it takes the next one, a few hundredths of a second each; read in the same loop,
    dbt's stdout pipe fills meanwhile and every dbt thread stalls on its next log line. Read
    apart, dbt runs at its own pace and the events are stored while it goes.
    """
    import queue
    import signal
    import threading

    events: queue.Queue = queue.Queue()
    finished = object()

    def read() -> None:
        try:
            for event in invocation.stream_raw_events():
                events.put(event)
        except BaseException as exc:  # dbt failed: re-raised in the step, after its events
            events.put(exc)
        finally:
            events.put(finished)

    reader = threading.Thread(target=read, name="dbt-output", daemon=True)
    reader.start()
    try:
        while (item := events.get()) is not finished:
            if isinstance(item, BaseException):
                raise item
            yield from item.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            )
    finally:
        if invocation.process.poll() is None:  # the step was interrupted: stop dbt too
            invocation.process.send_signal(signal.SIGINT)
            invocation.process.wait(timeout=invocation.termination_timeout_seconds)
        reader.join()


# Beside the manifest: what it was parsed from. Folders under dbt_project/ that dbt writes, not
# reads, are left out.
FINGERPRINT_NAME = "manifest.fingerprint"
_NOT_PARSED = {"target", "logs", "dbt_packages"}
# What dbt_project/profiles.yml reads (besides DBT_PG_*).
_PROFILE_ENV = {
    "DBT_TARGET", "WAREHOUSE_PATH", "INNOVALOGIX_HOME", "DBT_THREADS", "DUCKDB_MEMORY_LIMIT",
    "DUCKDB_TEMP_DIRECTORY",
}  # fmt: skip


def project_fingerprint() -> str:
    """A digest of everything ``dbt parse`` reads: every project file (path and content), the
    dbt version and the profile's environment (target, warehouse, threads: dbt re-parses when
    the profile changes); a manifest parsed from the same is current."""
    digest = hashlib.sha256()
    digest.update(f"dbt {importlib.metadata.version('dbt-core')}\n".encode())
    with dbt_environment():
        profile = sorted(
            (key, value)
            for key, value in os.environ.items()
            if key in _PROFILE_ENV or key.startswith("DBT_PG_")
        )
    digest.update(repr(profile).encode())
    for path in sorted(DBT_DIR.rglob("*")):
        relative = path.relative_to(DBT_DIR)
        if not path.is_file() or relative.parts[0] in _NOT_PARSED:
            continue
        digest.update(f"{relative.as_posix()}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def manifest_is_current() -> bool:
    """The manifest and dbt's partial-parse state exist and were parsed from the project as it
    is now."""
    project = dbt_project()
    if project is None or not project.manifest_path.exists():
        return False
    target = project.manifest_path.parent
    fingerprint = target / FINGERPRINT_NAME
    return (
        (target / "partial_parse.msgpack").exists()
        and fingerprint.exists()
        and fingerprint.read_text().strip() == project_fingerprint()
    )


def prepare(*, force: bool = False) -> Path | None:
    """Run ``dbt parse`` to (re)write the manifest, unless it is current (``force``: always);
    returns its path (None without a project)."""
    project = dbt_project()
    if project is None:
        return None
    if not force and manifest_is_current():
        logger.info("dbt manifest is current: no dbt parse")
        return project.manifest_path
    fingerprint = project_fingerprint()
    with dbt_environment():
        project.preparer.prepare(project)
    (project.manifest_path.parent / FINGERPRINT_NAME).write_text(fingerprint + "\n")
    return project.manifest_path


@cache
def manifest_path() -> Path | None:
    """The manifest to build assets from, prepared in ``dagster dev`` or when missing.

    Cached: a code-location load prepares at most once (``dagster dev`` reloads in a new process).
    """
    project = dbt_project()
    if project is None:
        return None
    from dagster_dbt.dbt_project import using_dagster_dev

    if using_dagster_dev():
        prepare()
    elif not project.manifest_path.exists():
        logger.warning("no dbt manifest at %s: running dbt parse", project.manifest_path)
        prepare()
    return project.manifest_path


@cache
def load_manifest() -> Mapping[str, Any] | None:
    path = manifest_path()
    if path is None:
        return None
    return json.loads(path.read_text())


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """``staging``, ``intermediate`` or ``marts``: the folder under ``models/``."""
    fqn = dbt_resource_props.get("fqn") or []
    return next((part for part in fqn[1:-1] if part in LAYERS), None)


def mart_nodes(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The mart models (tables and views the dashboards read), in name order."""
    nodes = [
        node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and layer_of(node) == "marts"
    ]
    return sorted(nodes, key=lambda n: n["name"])


def day_column_of(node: Mapping[str, Any]) -> str | None:
    """The day column of a model rebuilt by whole days (incremental, delete+insert on one date
    key), or None."""
    config = node.get("config") or {}
    key = config.get("unique_key")
    if (
        config.get("materialized") == "incremental"
        and config.get("incremental_strategy") == "delete+insert"
        and isinstance(key, str)
    ):
        return key
    return None


def relation_of(node: Mapping[str, Any]) -> tuple[str, str]:
    """(schema, table) of a model in the warehouse."""
    return node["schema"], node.get("alias") or node["name"]


def _translator_base():
    from dagster_dbt import DagsterDbtTranslator

    return DagsterDbtTranslator


def make_translator():
    """Sources map onto the extract's ``raw/<table>`` assets; models group by layer."""
    base = _translator_base()

    class InnovalogixDbtTranslator(base):
        def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
            if dbt_resource_props["resource_type"] == "source":
                table = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
                return dg.AssetKey([RAW_SCHEMA, table])
            return super().get_asset_key(dbt_resource_props)

        def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
            if dbt_resource_props["resource_type"] == "seed":
                return "reference"
            return layer_of(dbt_resource_props) or super().get_group_name(dbt_resource_props)

        def get_owners(self, dbt_resource_props: Mapping[str, Any]):
            return super().get_owners(dbt_resource_props) or ["team:data-platform"]

    return InnovalogixDbtTranslator()


# --- Incremental marts after late loads ------------------------------------------------------
# The incremental marts rebuild a trailing window of days (the project's
# ``incremental_lookback_days``). When the extract replaced an older day (a late import), the
# window is widened for the next dbt build to reach back to that day; a whole reload of a daily
# table widens it to everything.

FULL_LOOKBACK_DAYS = 36_500
_BUILDS = "dbt_builds"


def default_lookback_days() -> int:
    import yaml

    config = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text()) or {}
    return int((config.get("vars") or {}).get("incremental_lookback_days", 1))


def _changes_since_last_build(
    con, exclude_run_id: str | None = None
) -> tuple[bool, dt.date | None]:
    """What the extract changed since the last successful dbt build (not counting a build by
    ``exclude_run_id``): whether a daily table was reloaded whole, and the earliest day it
    replaced (None: no day)."""
    from pipelines.warehouse import META_SCHEMA, table_exists

    since = None
    if table_exists(con, META_SCHEMA, _BUILDS):
        since = con.execute(
            f"select max(built_at) from {META_SCHEMA}.{_BUILDS} where run_id is distinct from ?",
            [exclude_run_id],
        ).fetchone()[0]
    loads = (
        f"from {META_SCHEMA}.extract_loads "
        "where loaded_at > coalesce(?::timestamptz, '-infinity'::timestamptz)"
    )
    reloaded = con.execute(
        f"select count(*) {loads} and strategy = 'daily' and mode = 'full' and rows_loaded > 0",
        [since],
    ).fetchone()[0]
    earliest = con.execute(
        f"select min(day) from (select unnest(days) as day {loads})", [since]
    ).fetchone()[0]
    return bool(reloaded), earliest


def lookback_days_needed(con, today) -> int | None:
    """Days back the next dbt build must reach to cover every day the extract changed since the
    last successful build, or None when nothing was extracted since."""
    from pipelines.warehouse import META_SCHEMA, table_exists

    if not table_exists(con, META_SCHEMA, "extract_loads"):
        return None
    reloaded, earliest = _changes_since_last_build(con)
    if reloaded:
        return FULL_LOOKBACK_DAYS
    if earliest is None:
        return None
    return (today - earliest).days + 1


# --- Checks over recent days -----------------------------------------------------------------
# The hourly refresh checks what it rebuilt, not the whole history again (the nightly run does):
# dbt tests of the windowed models (macros/test_window.sql), the Great Expectations suites of the
# fact tables and the reconciliation with the core, all from one first day.


def as_of_date(con) -> dt.date | None:
    """The latest business day in the warehouse's daily raw tables (None: none loaded yet)."""
    from pipelines.extract import SOURCE_TABLES, Strategy
    from pipelines.warehouse import table_exists

    latest = None
    for table in SOURCE_TABLES:
        if table.strategy is not Strategy.DAILY or not table_exists(con, RAW_SCHEMA, table.name):
            continue
        day = con.execute(f"select max({table.date_column}) from {RAW_SCHEMA}.{table.name}")
        value = day.fetchone()[0]
        if value is not None and (latest is None or value > latest):
            latest = value
    return latest


def check_window_start(con, *, exclude_run_id: str | None = None) -> dt.date | None:
    """The first day an incremental run needs to check, or None to check everything.

    The incremental marts rebuild the trailing ``incremental_lookback_days`` up to their latest
    day, reaching back to every day the extract replaced since the last dbt build: so the window
    starts that many days before the earliest of those days and the as-of date. None when a
    daily table was reloaded whole (everything was rebuilt) or nothing is loaded yet.

    Args:
        exclude_run_id: a dbt build recorded by this run does not count (the checks after the
            build use the same window as the build).
    """
    from pipelines.warehouse import META_SCHEMA, table_exists

    as_of = as_of_date(con)
    if as_of is None:
        return None
    earliest = None
    if table_exists(con, META_SCHEMA, "extract_loads"):
        reloaded, earliest = _changes_since_last_build(con, exclude_run_id)
        if reloaded:
            return None
    first = min(earliest, as_of) if earliest else as_of
    return first - dt.timedelta(days=default_lookback_days())


# Every dbt build, before it starts: how far back its incremental models may rewrite days. The
# hourly snapshot replaces those days only (pipelines.snapshot).
_BUILD_WINDOWS = "dbt_build_windows"


def _build_windows(con) -> str:
    """The table of dbt builds' reach, created or brought up to date; its qualified name."""
    from pipelines.warehouse import META_SCHEMA

    table = f"{META_SCHEMA}.{_BUILD_WINDOWS}"
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {table} (run_id varchar, "
        "started_at timestamptz default current_timestamp, lookback_days integer, "
        "full_refresh boolean)"
    )
    # Homes recorded before the hourly refresh left models out: every build was whole.
    con.execute(f"alter table {table} add column if not exists whole_project boolean default true")
    return table


def record_build_window(
    con, run_id: str, *, lookback_days: int, full_refresh: bool, whole_project: bool = True
) -> None:
    """Record a dbt build's reach: its lookback, whether it was a full refresh, and whether it
    built the whole project (the nightly) or left the `nightly` models alone (the hourly)."""
    con.execute(
        f"insert into {_build_windows(con)} "
        "(run_id, lookback_days, full_refresh, whole_project) values (?, ?, ?, ?)",
        [run_id, lookback_days, full_refresh, whole_project],
    )


def whole_project_built_since(con, since: dt.datetime) -> bool:
    """Whether a dbt build of the whole project (the nightly's) started after ``since``: then
    the models the hourly refresh leaves alone may differ from a snapshot published at
    ``since``, even where their row counts did not change."""
    (found,) = con.execute(
        f"select count(*) from {_build_windows(con)} where started_at >= ? and whole_project",
        [since],
    ).fetchone()
    return found > 0


def rebuilt_days_since(con, since: dt.datetime) -> int | None:
    """How many trailing days of each incremental model (counted back from its latest day at
    ``since``) the dbt builds started after ``since`` may have rewritten: 0 without a build;
    None when one was a full refresh or the builds are not on record (everything may differ)."""
    from pipelines.warehouse import META_SCHEMA, table_exists

    if not table_exists(con, META_SCHEMA, _BUILD_WINDOWS):
        return None
    full, widest = con.execute(
        f"select bool_or(full_refresh), max(lookback_days) from {META_SCHEMA}.{_BUILD_WINDOWS} "
        "where started_at >= ?",
        [since],
    ).fetchone()
    if full:
        return None
    return int(widest or 0)


def record_build(con, run_id: str) -> None:
    from pipelines.warehouse import META_SCHEMA

    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {META_SCHEMA}.{_BUILDS} "
        "(run_id varchar, built_at timestamptz default current_timestamp)"
    )
    con.execute(f"insert into {META_SCHEMA}.{_BUILDS} (run_id) values (?)", [run_id])
