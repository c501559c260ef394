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
            if previous is not None and dbt_project.whole_project_built_since(con, previous):
                # A nightly build since the snapshot (its run failed before publishing) may have
                # changed what this run leaves alone: copy everything anew.
                sources = {}
            published = publish_snapshot(
                con,
                [*relations, *ml_relations],
                path,
                run_id=context.run.run_id,
                day_columns=day_columns,
                patch_days=patch_days,
                unchanged=[r for r, key in sources.items() if key not in built],
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
