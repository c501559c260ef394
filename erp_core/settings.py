"""One settings object read from the environment, with embedded defaults.

Read on demand (never at import time) so that tests and CLIs can set variables first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from erp_core.paths import MODELS_DIR, PROJECT_ROOT


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None
    test_database_url: str | None
    warehouse_path: Path
    dbt_target: str
    pii_key: str | None
    models_dir: Path  # the model registry (ml.registry); tests point it at their own folder
    clear_export_users: tuple[str, ...]  # who may export campaign contacts in clear

    @property
    def pg_data_dir(self) -> Path:
        return self.home / "pg"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"

    @property
    def snapshot_path(self) -> Path:
        """The published read-only copy of the marts (written by ``pipelines.snapshot``)."""
        return self.home / "warehouse_snapshot.duckdb"


def get_settings() -> Settings:
    home = Path(os.environ.get("INNOVALOGIX_HOME", PROJECT_ROOT / "var")).resolve()
    return Settings(
        home=home,
        database_url=os.environ.get("DATABASE_URL") or None,
        test_database_url=os.environ.get("TEST_DATABASE_URL") or None,
        warehouse_path=Path(os.environ.get("WAREHOUSE_PATH", home / "warehouse.duckdb")),
        dbt_target=os.environ.get("DBT_TARGET", "duckdb"),
        pii_key=os.environ.get("INNOVALOGIX_PII_KEY") or None,
        models_dir=Path(os.environ.get("INNOVALOGIX_MODELS_DIR") or MODELS_DIR),
        clear_export_users=tuple(
            u.strip()
            for u in os.environ.get("INNOVALOGIX_CLEAR_EXPORT_USERS", "").split(",")
            if u.strip()
        ),
    )
