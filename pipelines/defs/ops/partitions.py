"""Core maintenance: the monthly partitions are created ahead, so no sale meets a missing month."""

import dagster as dg
import psycopg

from erp_core import partitions
from erp_core.timeutil import lima_today
from pipelines.defs.resources import PostgresSource


@dg.asset(
    name="core_partitions",
    group_name="ops",
    kinds={"postgres"},
    owners=["team:data-platform"],
    description=(
        "Monthly partitions of sales, sale lines, payments and kardex in the core, "
        f"kept {partitions.MONTHS_AHEAD} months ahead (the core's only write by the pipeline)."
    ),
)
def core_partitions(core: PostgresSource) -> dg.MaterializeResult:
    today = lima_today()
    with psycopg.connect(core.resolved_url(), autocommit=True) as conn:
        created = partitions.ensure_ahead(conn, today)
    return dg.MaterializeResult(
        metadata={
            "partitions_created": dg.MetadataValue.int(created),
            "through_month": dg.MetadataValue.text(
                partitions.add_months(today, partitions.MONTHS_AHEAD).strftime("%m/%Y")
            ),
        }
    )
