"""When the graph runs: nightly whole, hourly incremental (Lima time)."""

import dagster as dg

from pipelines.defs.ops.jobs import materialize_all_job, refresh_warehouse_job

LIMA = "America/Lima"

materialize_all_job_schedule = dg.ScheduleDefinition(
    name="materialize_all_job_schedule",
    job=materialize_all_job,
    cron_schedule="0 2 * * *",
    execution_timezone=LIMA,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The whole graph every night at 02:00 Lima, after the stores close.",
)

refresh_warehouse_job_schedule = dg.ScheduleDefinition(
    name="refresh_warehouse_job_schedule",
    job=refresh_warehouse_job,
    cron_schedule="30 * * * *",
    execution_timezone=LIMA,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Incremental refresh every hour (at :30, clear of the nightly run at 02:00).",
)
