"""Read the published snapshot over and over while another process republishes it.

``python -m tests.pipelines.read_snapshots SECONDS`` prints one JSON object: the versions seen
and every inconsistent or failed read (a torn swap would show up as either).
"""

from __future__ import annotations

import json
import sys
import time

from pipelines.snapshot import open_snapshot


def main(seconds: float) -> None:
    seen: set[int] = set()
    problems: list[str] = []
    reads = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            con = open_snapshot()
        except FileNotFoundError:
            continue
        try:
            rows, low, high = con.execute(
                "select count(*), min(version), max(version) from marts.fct_versions"
            ).fetchone()
            info = con.execute("select row_count from main.snapshot_info").fetchone()[0]
        except Exception as exc:
            problems.append(f"read failed: {exc}")
            continue
        finally:
            con.close()
        reads += 1
        if low != high or rows != rows_of(low) or info != rows:
            problems.append(f"torn snapshot: rows={rows} versions={low}..{high} info={info}")
        seen.add(low)
    result = {"versions": sorted(seen), "reads": reads, "problems": problems[:10]}
    sys.stdout.write(json.dumps(result) + "\n")


def rows_of(version: int) -> int:
    return 50_000 + 1_000 * version


if __name__ == "__main__":
    main(float(sys.argv[1]))
