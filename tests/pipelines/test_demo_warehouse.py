"""The shared demo warehouse: the planted chain's snapshot that ML and dashboard tests read."""

from __future__ import annotations

from pipelines.snapshot import open_snapshot


def test_the_demo_snapshot_holds_the_whole_planted_history(demo_warehouse):
    with open_snapshot(demo_warehouse.snapshot_path) as con:
        first, last = con.execute(
            "select min(sale_date), max(sale_date) from marts.fct_sales_lines"
        ).fetchone()
    assert last == demo_warehouse.end_date
    assert (last - first).days >= 365
    assert demo_warehouse.truth["end_date"] == demo_warehouse.end_date.isoformat()
