"""The published snapshot: the last asset of the graph, built only when the marts are good."""

import dagster as dg

from pipelines import dbt_project
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.extract import SOURCE_TABLES
from pipelines.snapshot import publish_snapshot
from pipelines.warehouse import RAW_SCHEMA


def _snapshot_inputs() -> tuple[list[dg.AssetKey], list[tuple[str, str]]]:
    """The mart assets the snapshot waits for and the relations it copies.

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
            )
    return (
        [dg.AssetKey([RAW_SCHEMA, t.name]) for t in SOURCE_TABLES],
        [(RAW_SCHEMA, t.name) for t in SOURCE_TABLES],
    )


@dg.definitions
def snapshot_defs() -> dg.Definitions:
    deps, relations = _snapshot_inputs()

    @dg.asset(
        name="warehouse_snapshot",
        deps=deps,
        group_name="ops",
        kinds={"duckdb"},
        owners=["team:data-platform"],
        description="Read-only copy of the marts that dashboards read; swapped in atomically.",
    )
    def warehouse_snapshot(
        context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            published = publish_snapshot(
                con, relations, warehouse.resolved_snapshot_path(), run_id=context.run.run_id
            )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published.path)),
                "tables": dg.MetadataValue.int(len(published.tables)),
                "dagster/row_count": dg.MetadataValue.int(sum(published.rows.values())),
                "bytes": dg.MetadataValue.int(published.bytes),
                "published_at": dg.MetadataValue.text(published.published_at.isoformat()),
            }
        )

    return dg.Definitions(assets=[warehouse_snapshot])
