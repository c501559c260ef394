"""Extract assets: one ``raw/<table>`` asset per core table, loaded by one step.

A single step writes every selected table in one DuckDB transaction (one consistent snapshot of
the core, all or nothing); selecting a subset of the assets loads only those tables.
"""

import datetime as dt

import dagster as dg
from pydantic import Field

from pipelines import quality
from pipelines.defs.resources import DuckDBWarehouse, PostgresSource
from pipelines.extract import SOURCE_TABLES, TableLoad, extract
from pipelines.warehouse import RAW_SCHEMA

OWNERS = ["team:data-platform"]


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_SCHEMA, table])


class ExtractConfig(dg.Config):
    full_refresh: bool = Field(
        default=False, description="Reload every selected table whole (the initial backfill)."
    )
    days: list[str] = Field(
        default_factory=list,
        description="Business days (YYYY-MM-DD) of the daily tables to replace even if unchanged.",
    )


def _metadata(load: TableLoad) -> dict[str, dg.MetadataValue]:
    days = [d.isoformat() for d in load.days]
    return {
        "dagster/row_count": dg.MetadataValue.int(load.rows),
        "rows_loaded": dg.MetadataValue.int(load.rows_loaded),
        "rows_deleted": dg.MetadataValue.int(load.rows_deleted),
        "mode": dg.MetadataValue.text(load.mode),
        "reason": dg.MetadataValue.text(load.reason),
        "strategy": dg.MetadataValue.text(str(load.strategy)),
        "days_reprocessed": dg.MetadataValue.int(len(days)),
        "days": dg.MetadataValue.json(days),
        "watermark": dg.MetadataValue.text(load.watermark or ""),
        "elapsed_s": dg.MetadataValue.float(load.elapsed_s),
    }


@dg.multi_asset(
    name="extract_core_tables",
    specs=[
        dg.AssetSpec(
            key=raw_key(table.name),
            description=table.description,
            group_name="extract",
            kinds={"postgres", "duckdb"},
            owners=OWNERS,
            metadata={
                "strategy": str(table.strategy),
                "source": f"public.{table.name}",
                "dagster/table_name": f"{RAW_SCHEMA}.{table.name}",
            },
            skippable=True,
        )
        for table in SOURCE_TABLES
    ],
    can_subset=True,
    description="Copies the core's tables into the warehouse's raw schema, incrementally.",
)
def extract_core_tables(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    core: PostgresSource,
    warehouse: DuckDBWarehouse,
):
    # The checks after the extract validate with Great Expectations, seconds to import: the
    # import overlaps the extract, which mostly waits on the core.
    quality.preload_in_background()
    selected = context.selected_asset_keys
    tables = [t for t in SOURCE_TABLES if raw_key(t.name) in selected]
    days = [dt.date.fromisoformat(d) for d in config.days]

    def report(load: TableLoad) -> None:
        context.log.info(
            f"raw.{load.table}: {load.mode}, {load.rows_loaded} rows loaded "
            f"({len(load.days)} days), {load.rows} in total, {load.elapsed_s:.2f} s"
        )

    with warehouse.connect(source=core) as con:
        loads = extract(
            con,
            tables,
            full_refresh=config.full_refresh,
            days=days,
            run_id=context.run.run_id,
            on_table_loaded=report,
        )
    for load in loads:
        yield dg.MaterializeResult(asset_key=raw_key(load.table), metadata=_metadata(load))
