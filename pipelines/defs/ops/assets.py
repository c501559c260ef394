"""The published snapshot: the last asset of the graph, built only when the marts are good."""

import dagster as dg

from pipelines import dbt_project
from pipelines.defs.ops.jobs import recent_days_only
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.extract import SOURCE_TABLES
from pipelines.ml_tables import ML_TABLES, existing_ml_relations, ml_asset_key
from pipelines.snapshot import publish_snapshot, published_at
from pipelines.warehouse import RAW_SCHEMA


def _snapshot_inputs() -> tuple[
    list[dg.AssetKey], list[tuple[str, str]], dict[tuple[str, str], str]
]:
    """The mart assets the snapshot waits for, the relations it copies, and the day columns of
    those rebuilt by whole days.

    Without a dbt project yet, the raw extracts stand in for the marts.
    """
    manifest = dbt_project.load_manifest()
    if manifest:
        translator = dbt_project.make_translator()
        marts = dbt_project.mart_nodes(manifest)
        if marts:
            return (
                [translator.get_asset_key(node) for node in marts],
                [dbt_project.relation_of(node) for node in marts],
                {
                    dbt_project.relation_of(node): column
                    for node in marts
                    if (column := dbt_project.day_column_of(node))
                },
            )
    return (
        [dg.AssetKey([RAW_SCHEMA, t.name]) for t in SOURCE_TABLES],
        [(RAW_SCHEMA, t.name) for t in SOURCE_TABLES],
        {},
    )


def _materialized_in_run(context: dg.AssetExecutionContext) -> set[dg.AssetKey]:
    """The assets this run has materialized so far (the hourly refresh leaves the nightly's
    tables alone, so the snapshot can keep their previous copy)."""
    records = context.instance.get_records_for_run(
        context.run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    return {record.asset_key for record in records if record.asset_key is not None}


def _rejected_by_checks(context: dg.AssetExecutionContext, keys: set[dg.AssetKey]) -> set:
    """Of ``keys``, the assets whose latest evaluation of a check of error severity failed: a
    nightly run stopped by them left their tables in the warehouse, unpublished."""
    if not keys:
        return set()
    check_keys = _code_location_graph(context).get_check_keys_for_assets(keys)
    latest = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(
        list(check_keys)
    )
    rejected = set()
    for key, record in latest.items():
        entry = record.event
        evaluation = (
            entry.dagster_event.event_specific_data if entry and entry.dagster_event else None
        )
        if (
            isinstance(evaluation, dg.AssetCheckEvaluation)
            and not evaluation.passed
            and evaluation.severity == dg.AssetCheckSeverity.ERROR
        ):
            rejected.add(key.asset_key)
    return rejected


def _code_location_graph(context: dg.AssetExecutionContext):
    """The whole code location's asset graph (the hourly job's own holds not the nightly's
    checks): the run's repository, or, in a run started in process, the definitions anew."""
    from dagster_shared.check import CheckError

    try:
        return context.repository_def.asset_graph
    except CheckError:  # no repository on a job executed in process
        from pipelines.definitions import build_definitions

        return build_definitions().resolve_asset_graph()


@dg.definitions
def snapshot_defs() -> dg.Definitions:
    deps, relations, day_columns = _snapshot_inputs()

    @dg.asset(
        name="warehouse_snapshot",
        # The ML tables too: the nightly run publishes them with the marts they were made from.
        deps=[*deps, *(ml_asset_key(table) for table in ML_TABLES)],
        group_name="ops",
        kinds={"duckdb"},
        owners=["team:data-platform"],
        description="Read-only copy of the marts that dashboards read; swapped in atomically.",
    )
    def warehouse_snapshot(
        context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
    ) -> dg.MaterializeResult:
        path = warehouse.resolved_snapshot_path()
        with warehouse.connect() as con:
            # The hourly refresh patches the previous snapshot with the days rebuilt since it.
            patch_days = None
            previous = published_at(path) if recent_days_only(context.run) else None
            if previous is not None:
                patch_days = dbt_project.rebuilt_days_since(con, previous)
            ml_relations = existing_ml_relations(con)
            sources = dict(zip(relations, deps, strict=True))
            sources.update({relation: ml_asset_key(relation[1]) for relation in ml_relations})
            built = _materialized_in_run(context)
            not_built = {r: key for r, key in sources.items() if key not in built}
            rejected: set[dg.AssetKey] = set()
            if previous is not None and dbt_project.whole_project_built_since(con, previous):
                # A nightly build since the snapshot (its run failed before publishing) may have
                # changed what this run leaves alone: copy everything anew, but what a check
                # of that build rejected.
                rejected = _rejected_by_checks(context, set(not_built.values()))
                not_built = {}
            published = publish_snapshot(
                con,
                [*relations, *ml_relations],
                path,
                run_id=context.run.run_id,
                day_columns=day_columns,
                patch_days=patch_days,
                unchanged=list(not_built),
                held_back=[r for r, key in sources.items() if key in rejected],
            )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published.path)),
                "tables": dg.MetadataValue.int(len(published.tables)),
                "dagster/row_count": dg.MetadataValue.int(sum(published.rows.values())),
                "bytes": dg.MetadataValue.int(published.bytes),
                "published_at": dg.MetadataValue.text(published.published_at.isoformat()),
                "patched_days": dg.MetadataValue.int(-1 if patch_days is None else patch_days),
            }
        )

    return dg.Definitions(assets=[warehouse_snapshot])
