"""The one place that maps settings to resources.

Nothing here reads the environment at import time: every resource resolves its location from
``erp_core.settings.get_settings()`` when a run (or a sensor evaluation) uses it, unless the
location is configured explicitly.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
from pydantic import Field

from erp_core import db
from erp_core.settings import get_settings
from pipelines import dbt_project, snapshot
from pipelines.warehouse import open_warehouse


class PostgresSource(dg.ConfigurableResource):
    """The transactional core (Postgres), only ever read."""

    url: str | None = Field(
        default=None,
        description="libpq URL or key=value string; unset: DATABASE_URL or the embedded server.",
    )

    def resolved_url(self) -> str:
        return self.url or db.database_url()

    def dsn(self) -> str:
        """The key=value form DuckDB's postgres scanner attaches."""
        return db.libpq_dsn(self.resolved_url())

    @contextlib.contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.resolved_url(), autocommit=True) as conn:
            conn.execute("set default_transaction_read_only = on")
            yield conn


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, written by the pipeline alone, and its published snapshot."""

    path: str | None = Field(default=None, description="unset: settings.warehouse_path")
    snapshot_path: str | None = Field(
        default=None, description="unset: $INNOVALOGIX_HOME/warehouse_snapshot.duckdb"
    )

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else get_settings().warehouse_path

    def resolved_snapshot_path(self) -> Path:
        return Path(self.snapshot_path) if self.snapshot_path else snapshot.default_snapshot_path()

    @contextlib.contextmanager
    def connect(self, source: PostgresSource | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """The writer's connection (with the core attached as ``core`` if ``source`` is given).

        Closed at the end of the block, so the file lock is held only while a step works.
        """
        with open_warehouse(self.resolved_path(), core_dsn=source.dsn() if source else None) as con:
            yield con


def build_resources() -> dict[str, object]:
    resources: dict[str, object] = {"core": PostgresSource(), "warehouse": DuckDBWarehouse()}
    project = dbt_project.dbt_project()
    if project is not None:
        resources["dbt"] = dbt_project.cli_resource(project)
    return resources


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
