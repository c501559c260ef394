"""Start the incremental refresh when new sales land in the core."""

import dagster as dg

from pipelines.defs.resources import PostgresSource

REFRESH_JOB = "refresh_warehouse_job"


@dg.sensor(
    name="new_sales_sensor",
    job_name=REFRESH_JOB,
    minimum_interval_seconds=15 * 60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Compares the core's highest sale_id with the cursor and requests the incremental "
        "refresh when it grew. Off by default: the hourly schedule already refreshes; turn it on "
        "for fresher dashboards."
    ),
)
def new_sales_sensor(context: dg.SensorEvaluationContext, core: PostgresSource):
    with core.connect() as conn:
        latest = conn.execute("select coalesce(max(sale_id), 0) from sales").fetchone()[0]
    seen = int(context.cursor or 0)
    if latest <= seen:
        return dg.SkipReason(f"no new sales since sale_id {seen}")
    context.update_cursor(str(latest))
    return dg.RunRequest(
        run_key=f"new-sales-{latest}",
        tags={"innovalogix/trigger": "new_sales", "innovalogix/max_sale_id": str(latest)},
    )
