"""Jobs over the whole asset graph; every run writes the warehouse, so runs never overlap."""

import dagster as dg

# Runs carrying this tag are limited to one at a time (see pipelines.cli.write_dagster_yaml);
# together with the in-process executor this makes the pipeline the warehouse's single writer.
WRITER_TAGS = {"innovalogix/warehouse": "writer"}

# Groups too slow for the hourly refresh (the ML assets, once they exist).
NIGHTLY_ONLY_GROUPS = ("ml",)

materialize_all_job = dg.define_asset_job(
    name="materialize_all_job",
    selection=dg.AssetSelection.all(),
    description="The whole graph: extract, dbt models and tests, quality checks, snapshot.",
    tags=WRITER_TAGS,
)

refresh_warehouse_job = dg.define_asset_job(
    name="refresh_warehouse_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(*NIGHTLY_ONLY_GROUPS),
    description=(
        "Incremental refresh: the days that changed in the core, the dbt models, the checks and "
        "a new snapshot; everything but the nightly-only groups."
    ),
    tags=WRITER_TAGS,
)
