"""dbt models as assets (lineage from the raw extracts), dbt tests as their asset checks.

Built from the manifest that ``dbt parse`` writes (see ``pipelines.dbt_project``): the project is
not parsed when the code location loads. Every dbt test is an asset check, blocking unless its
severity is ``warn``: Dagster finds a model's checks among its children in the manifest, so a
singular test that reads no model (``assert_no_personal_data_in_warehouse`` reads
``information_schema``) is made a child of the model its ``meta: dagster: ref`` names
(``attach_singular_tests``); left alone it would be run by dbt and shown by Dagster as a mere
observation, never stopping the snapshot.
"""

import copy
import json
import shutil
from collections.abc import Mapping
from typing import Any

import dagster as dg
from pydantic import Field

from erp_core.timeutil import lima_today
from pipelines import dbt_project
from pipelines.defs.ops.jobs import NIGHTLY_ONLY_DBT_TAG, recent_days_only
from pipelines.defs.resources import DuckDBWarehouse


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False, description="Rebuild incremental models from scratch (dbt --full-refresh)."
    )


def attach_singular_tests(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``manifest`` in which each test whose ``meta: dagster: ref`` names a node it
    does not depend on is that node's child (``child_map``/``parent_map``), so that Dagster
    loads it as an asset check of that node."""
    patched = copy.copy(dict(manifest))
    patched["child_map"] = {k: list(v) for k, v in manifest["child_map"].items()}
    patched["parent_map"] = {k: list(v) for k, v in manifest["parent_map"].items()}
    by_name = {
        (node["name"], node["package_name"], node.get("version")): unique_id
        for unique_id, node in manifest["nodes"].items()
    }
    project = manifest["metadata"]["project_name"]
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "test":
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        ref = (meta.get("dagster") or {}).get("ref")
        if not ref:
            continue
        target = by_name.get((ref["name"], ref.get("package") or project, ref.get("version")))
        if target is None or unique_id in patched["child_map"].get(target, []):
            continue
        patched["child_map"].setdefault(target, []).append(unique_id)
        patched["parent_map"].setdefault(unique_id, []).append(target)
    return patched


# The metadata entry of a failed check that says which rows, which check and what to do (the
# same entry as the quality checks', read by the CLI).
EXPLANATION = "explanation"


def explain_dbt_test(check: dg.AssetCheckKey, failed_rows: int | None) -> str:
    """What a failed dbt test means and what to do (markdown, es-PE)."""
    rows = f"{failed_rows:,} fila(s) no cumplen" if failed_rows is not None else "falló"
    where = check.asset_key.to_user_string()
    return "\n".join(
        [
            f"**{where}** no pasa el test de dbt `{check.name}`: {rows}.",
            "",
            "**Qué hacer:** la consulta que devuelve esas filas la escribe `uv run dbt compile "
            f"--project-dir dbt_project --profiles-dir dbt_project --select {check.name}` (el "
            "test está en dbt_project/tests o en el .yml del modelo); corrija el dato en el "
            "núcleo o el modelo y ejecute `innovalogix pipeline run`. Lo que depende de este "
            "modelo no se construyó y los tableros leen la instantánea anterior.",
        ]
    )


def explained(event: Any) -> Any:
    """A failed dbt test's check result with its explanation; any other event as it is."""
    if not isinstance(event, dg.AssetCheckResult) or event.passed:
        return event
    key = dg.AssetCheckKey(event.asset_key, event.check_name)
    failed = event.metadata.get("dagster_dbt/failed_row_count")
    failed_rows = getattr(failed, "value", failed)
    explanation = explain_dbt_test(key, int(failed_rows) if failed_rows is not None else None)
    return event.with_metadata({**event.metadata, EXPLANATION: dg.MetadataValue.md(explanation)})


@dg.definitions
def dbt_defs() -> dg.Definitions:
    manifest_file = dbt_project.manifest_path()
    if manifest_file is None:
        return dg.Definitions()
    from dagster_dbt import DbtCliResource, dbt_assets

    manifest = attach_singular_tests(dbt_project.load_manifest())

    @dbt_assets(
        manifest=manifest,
        project=dbt_project.dbt_project(),
        dagster_dbt_translator=dbt_project.make_translator(),
        name="dbt_models",
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: DuckDBWarehouse,
    ):
        args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
        lookback_days = dbt_project.default_lookback_days()
        test_window_start = None
        with warehouse.connect() as con:
            if not config.full_refresh:
                needed = dbt_project.lookback_days_needed(con, lima_today())
                if needed and needed > lookback_days:
                    context.log.info(
                        f"late days extracted: incremental marts reach back {needed} days"
                    )
                    args += ["--vars", json.dumps({"incremental_lookback_days": needed})]
                    lookback_days = needed
                if recent_days_only(context.run):
                    test_window_start = dbt_project.check_window_start(con)
                    # Not the nightly's models, nor the tests that read them (dbt would run a
                    # test of a nightly model that also reads a model this run builds).
                    args += ["--exclude", f"tag:{NIGHTLY_ONLY_DBT_TAG}"]
            dbt_project.record_build_window(
                con,
                context.run.run_id,
                lookback_days=lookback_days,
                full_refresh=config.full_refresh,
                whole_project=not recent_days_only(context.run),
            )
        if test_window_start:
            context.log.info(f"windowed models are tested from {test_window_start} on")
        with dbt_project.dbt_environment(test_window_start=test_window_start):
            invocation = dbt.cli(args, context=context)
            for event in dbt_project.stream_asset_events(invocation, context):
                yield explained(event)
        # Each invocation writes its own target folder; a failed one stays for its dbt.log.
        shutil.rmtree(invocation.target_path, ignore_errors=True)
        with warehouse.connect() as con:
            dbt_project.record_build(con, context.run.run_id)

    return dg.Definitions(assets=[dbt_models])
