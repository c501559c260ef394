"""The dbt project (``dbt_project/``) as Dagster sees it.

The code location never parses dbt when it loads: ``@dbt_assets`` reads
``dbt_project/target/manifest.json``, which ``dbt parse`` writes. It is prepared

* by ``dagster dev`` (``innovalogix pipeline ui``) on every code-location load
  (``DbtProject.prepare_if_dev``), so model edits show up on reload;
* by ``innovalogix pipeline run`` before it materializes (``prepare()``);
* for a deployment, once at build time: ``innovalogix pipeline prepare``;
* and, as a last resort, on load when no manifest exists at all (a fresh checkout).
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def dbt_environment() -> Iterator[None]:
    """Point dbt's profile at this run's warehouse and target (restored afterwards).

    ``dbt_project/profiles.yml`` reads ``WAREHOUSE_PATH`` and ``DBT_TARGET``; they are set from
    the settings so that dbt writes exactly the file the extract wrote, whatever the defaults.
    """
    settings = get_settings()
    wanted = {
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "DBT_TARGET": settings.dbt_target,
        "INNOVALOGIX_HOME": str(settings.home),
        "PATH": os.pathsep.join([str(Path(dbt_executable()).parent), os.environ.get("PATH", "")]),
    }
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def prepare() -> Path | None:
    """Run ``dbt parse`` to (re)write the manifest; returns its path (None without a project)."""
    project = dbt_project()
    if project is None:
        return None
    with dbt_environment():
        project.preparer.prepare(project)
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
    import json

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


def lookback_days_needed(con, today) -> int | None:
    """Days back the next dbt build must reach to cover every day the extract changed since the
    last successful build, or None when nothing was extracted since."""
    from pipelines.warehouse import META_SCHEMA, table_exists

    if not table_exists(con, META_SCHEMA, "extract_loads"):
        return None
    since = None
    if table_exists(con, META_SCHEMA, _BUILDS):
        since = con.execute(f"select max(built_at) from {META_SCHEMA}.{_BUILDS}").fetchone()[0]
    loads = (
        f"from {META_SCHEMA}.extract_loads "
        "where loaded_at > coalesce(?::timestamptz, '-infinity'::timestamptz)"
    )
    reloaded = con.execute(
        f"select count(*) {loads} and strategy = 'daily' and mode = 'full' and rows_loaded > 0",
        [since],
    ).fetchone()[0]
    if reloaded:
        return FULL_LOOKBACK_DAYS
    earliest = con.execute(
        f"select min(day) from (select unnest(days) as day {loads})", [since]
    ).fetchone()[0]
    if earliest is None:
        return None
    return (today - earliest).days + 1


def record_build(con, run_id: str) -> None:
    from pipelines.warehouse import META_SCHEMA

    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {META_SCHEMA}.{_BUILDS} "
        "(run_id varchar, built_at timestamptz default current_timestamp)"
    )
    con.execute(f"insert into {META_SCHEMA}.{_BUILDS} (run_id) values (?)", [run_id])
