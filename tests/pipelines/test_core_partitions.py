"""The nightly maintenance keeps the core's monthly partitions ahead of today."""

import dagster as dg

from erp_core import partitions
from erp_core.timeutil import lima_today
from pipelines.defs.ops.partitions import core_partitions
from pipelines.defs.resources import PostgresSource


def test_core_partitions_creates_the_months_ahead_once(conn, db_url):
    ahead = partitions.add_months(lima_today(), partitions.MONTHS_AHEAD)
    name = f"kardex_{ahead:%Y%m}"
    conn.execute(f"drop table {name}")
    conn.commit()
    result = dg.materialize([core_partitions], resources={"core": PostgresSource(url=db_url)})
    assert result.success
    created = result.asset_materializations_for_node("core_partitions")[0].metadata
    assert created["partitions_created"].value == 1
    assert conn.execute("select to_regclass(%s)", (name,)).fetchone()[0] is not None
    again = dg.materialize([core_partitions], resources={"core": PostgresSource(url=db_url)})
    assert (
        again.asset_materializations_for_node("core_partitions")[0]
        .metadata["partitions_created"]
        .value
        == 0
    )
