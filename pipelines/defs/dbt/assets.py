"""dbt models as assets (lineage from the raw extracts), dbt tests as their asset checks.

Built from the manifest that ``dbt parse`` writes (see ``pipelines.dbt_project``): the project is
not parsed when the code location loads.
"""

import json
import shutil

import dagster as dg
from pydantic import Field

from erp_core.timeutil import lima_today
from pipelines import dbt_project
from pipelines.defs.ops.jobs import recent_days_only
from pipelines.defs.resources import DuckDBWarehouse


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False, description="Rebuild incremental models from scratch (dbt --full-refresh)."
    )


@dg.definitions
def dbt_defs() -> dg.Definitions:
    manifest = dbt_project.manifest_path()
    if manifest is None:
        return dg.Definitions()
    from dagster_dbt import DbtCliResource, dbt_assets

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
            dbt_project.record_build_window(
                con,
                context.run.run_id,
                lookback_days=lookback_days,
                full_refresh=config.full_refresh,
            )
        if test_window_start:
            context.log.info(f"windowed models are tested from {test_window_start} on")
        with dbt_project.dbt_environment(test_window_start=test_window_start):
            invocation = dbt.cli(args, context=context)
            yield from dbt_project.stream_asset_events(invocation, context)
        # Each invocation writes its own target folder; a failed one stays for its dbt.log.
        shutil.rmtree(invocation.target_path, ignore_errors=True)
        with warehouse.connect() as con:
            dbt_project.record_build(con, context.run.run_id)

    return dg.Definitions(assets=[dbt_models])
