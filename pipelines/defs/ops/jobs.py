"""Jobs over the whole asset graph; every run writes the warehouse, so runs never overlap."""

import dagster as dg

# Runs carrying this tag are limited to one at a time (see pipelines.cli.write_dagster_yaml);
# together with the in-process executor this makes the pipeline the warehouse's single writer.
WRITER_TAGS = {"innovalogix/warehouse": "writer"}

# What a run works on: the hourly refresh, on the days it rebuilt (the dbt tests of the windowed
# models, the fact tables' expectations and the reconciliation check those days; the snapshot
# replaces those days of the previous one; see pipelines.dbt_project.check_window_start); the
# nightly run on everything (whole-table checks, a snapshot written anew). A full refresh works
# on everything in either job.
RUN_SCOPE_TAG = "innovalogix/scope"
RECENT_DAYS = "recent_days"

# What the hourly refresh leaves to the nightly run: the ML assets, and the dbt models tagged
# `nightly` in dbt_project.yml (price calendars and purchasing, read only by forecasting and
# restock; staging views no mart reads). Each dbt model and test costs the hourly run about
# 0.07 s in dbt and Dagster; these are 22 models and 212 tests. The snapshot keeps the
# previous copy of what a run did not build.
NIGHTLY_ONLY_GROUPS = ("ml",)
NIGHTLY_ONLY_DBT_TAG = "nightly"

materialize_all_job = dg.define_asset_job(
    name="materialize_all_job",
    selection=dg.AssetSelection.all(),
    description="The whole graph: extract, dbt models and tests, quality checks, snapshot.",
    # Whole-table checks and a snapshot written anew (no RUN_SCOPE_TAG).
    tags=WRITER_TAGS,
)

refresh_warehouse_job = dg.define_asset_job(
    name="refresh_warehouse_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.groups(*NIGHTLY_ONLY_GROUPS)
    - dg.AssetSelection.tag(NIGHTLY_ONLY_DBT_TAG, ""),
    description=(
        "Incremental refresh: the days that changed in the core, the dbt models, the checks and "
        "a new snapshot; everything but the ML assets and the dbt models tagged nightly. Checks "
        "and snapshot cover the days rebuilt."
    ),
    tags={**WRITER_TAGS, RUN_SCOPE_TAG: RECENT_DAYS},
)


def recent_days_only(run: dg.DagsterRun) -> bool:
    """Whether ``run`` works on the days it rebuilt only (its job carries the recent-days scope)."""
    return run.tags.get(RUN_SCOPE_TAG) == RECENT_DAYS
