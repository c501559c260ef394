"""One small demo chain per test session, run through the real pipeline into a published snapshot.

The ML, restock and dashboard tests read what production reads: the snapshot of a chain whose
truth is planted. It is built once per session and shared by the xdist workers (the first to need
it builds it under a file lock, the others reuse it), because a chain plus a pipeline run costs
minutes. The chain covers more than a year, ending 20/01/2026, so last year's campaña escolar and
Navidad are in its history and this year's campaña escolar lies in the forecast horizon.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from filelock import FileLock

from erp_core import db
from erp_core.demo.generate import generate
from erp_core.demo.scales import Scale

TRUTH = "planted_truth.json"
END_DATE = dt.date(2026, 1, 20)
SEED = 20260120
SCALE = Scale(
    "test", stores=3, skus=240, days=400, sale_lines=110_000, suppliers=10, complementary_pairs=10
)


@dataclass(frozen=True)
class DemoWarehouse:
    core_url: str
    home: Path
    truth: dict
    end_date: dt.date = END_DATE

    @property
    def snapshot_path(self) -> Path:
        return self.home / "warehouse_snapshot.duckdb"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    def environment(self) -> dict[str, str]:
        """The settings that point the CLI, the pipeline and the dashboards at this chain."""
        return {
            "DATABASE_URL": self.core_url,
            "INNOVALOGIX_HOME": str(self.home),
            "DBT_TARGET": "duckdb",
            "INNOVALOGIX_MODELS_DIR": str(self.models_dir),
        }


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` for the block only (no monkeypatch in a session)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build(pg_server: str, template_url: str, home: Path) -> DemoWarehouse:
    """Generate the chain into a fresh database and run the whole graph once."""
    from pipelines import runner
    from tests.conftest import clone_database

    url = clone_database(pg_server, template_url)
    home.mkdir(parents=True, exist_ok=True)
    truth_path = home / TRUTH
    with psycopg.connect(url) as conn:
        generate(conn, SCALE, SEED, END_DATE, truth_path=truth_path)
    demo = DemoWarehouse(url, home, json.loads(truth_path.read_text()))
    import dagster as dg

    with environment(demo.environment()):
        result = runner.run_graph(
            full_refresh=True, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR"
        )
    if not result.success or not demo.snapshot_path.exists():
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        raise RuntimeError(f"the demo warehouse's pipeline run failed at {failed}")
    return demo


def shared_demo_warehouse(pg_server: str, template_url: str, shared_dir: Path) -> DemoWarehouse:
    """The session's demo warehouse, built by the first worker that asks for it.

    ``INNOVALOGIX_TEST_DEMO_HOME`` names the home of one built earlier (its ``demo.json`` says
    where its core is), for a developer re-running tests of the models without the minutes
    the build costs; CI never sets it.
    """
    reuse = os.environ.get("INNOVALOGIX_TEST_DEMO_HOME")
    if reuse:
        home = Path(reuse)
        saved = json.loads((home / "demo.json").read_text())
        return DemoWarehouse(saved["core_url"], home, json.loads((home / TRUTH).read_text()))
    marker = shared_dir / "demo_warehouse.json"
    with FileLock(str(shared_dir / "demo_warehouse.lock")):
        if marker.exists():
            saved = json.loads(marker.read_text())
            home = Path(saved["home"])
            return DemoWarehouse(saved["core_url"], home, json.loads((home / TRUTH).read_text()))
        demo = build(pg_server, template_url, shared_dir / f"demo_home_{uuid.uuid4().hex[:6]}")
        saved = json.dumps({"core_url": demo.core_url, "home": str(demo.home)})
        marker.write_text(saved)
        (demo.home / "demo.json").write_text(saved)
        return demo


def drop(pg_server: str, demo: DemoWarehouse) -> None:
    db.drop_database(pg_server, demo.core_url)
