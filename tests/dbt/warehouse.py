"""Running dbt on both targets in tests: the raw copy, the CLI, and comparable rows."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
from psycopg.conninfo import conninfo_to_dict

from erp_core import db
from erp_core.paths import DBT_DIR

DBT = Path(sys.executable).with_name("dbt")
CORE_TABLES = (
    "stores suppliers product_departments product_categories product_subcategories products "
    "customer_consent_events payment_methods comprobante_series issued_documents promotions "
    "sales sale_lines sale_payments returns return_lines purchase_orders purchase_order_lines "
    "goods_receipts goods_receipt_lines transfers transfer_lines inventory_adjustments "
    "inventory_adjustment_lines physical_counts physical_count_lines stock_balances kardex"
).split()
RAW_CUSTOMER_COLUMNS = (
    "customer_id, doc_type, pseudonym, is_business, marketing_consent, consent_given_at, "
    "consent_revoked_at, is_blocked, created_at, updated_at"
)
MARTS = (
    "dim_date",
    "dim_store",
    "dim_supplier",
    "dim_product",
    "dim_customer",
    "fct_sales_lines",
    "fct_daily_sales",
    "fct_inventory_movements",
    "fct_inventory_daily",
    "fct_customer_transactions",
    "mart_profitability_product_monthly",
    "mart_profitability_category_monthly",
    "mart_profitability_supplier_monthly",
    "mart_profitability_store_monthly",
    "mart_profitability_customer_monthly",
    "fct_price_calendar",
    "fct_purchase_order_lines",
    "dim_product_supplier",
)
# Marts that read the moment the core was read (DuckDB: the extract or the latest operation;
# Postgres: the build's time), so they differ between the targets: tested on their own.
# dim_promotion's status is read against the first day not yet complete.
CLOCK_MARTS = ("mart_data_completeness", "fct_price_calendar_future", "dim_promotion")


def postgres_extension_dir() -> Path:
    """The DuckDB extension directory shipped inside the duckdb-ext-postgres wheel."""
    spec = importlib.util.find_spec("duckdb_ext")
    assert spec and spec.submodule_search_locations, "duckdb-ext-postgres is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


def copy_core_to_duckdb(core_url: str, warehouse: Path) -> None:
    """Lay the core out in DuckDB's raw schema as the extract does (customers without PII)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"set extension_directory = '{postgres_extension_dir()}'")
        con.execute("install postgres")
        con.execute("load postgres")
        # Partitioned parents have no pages of their own: read them in one COPY, not by ctid.
        con.execute("set pg_use_ctid_scan = false")
        con.execute(f"attach '{db.libpq_dsn(core_url)}' as pg (type postgres, read_only)")
        con.execute("create schema if not exists raw")
        for table in CORE_TABLES:
            con.execute(f"create or replace table raw.{table} as select * from pg.public.{table}")
        con.execute(
            f"create or replace table raw.customers as "
            f"select {RAW_CUSTOMER_COLUMNS} from pg.public.customers"
        )
        con.execute("detach pg")
    finally:
        con.close()


@dataclass
class DbtRun:
    returncode: int
    results: dict[str, str]  # unique_id -> status
    failures: dict[str, int]  # unique_id -> failing rows
    output: str

    def statuses(self) -> set[str]:
        return set(self.results.values())


class Dbt:
    """Runs the dbt CLI on one target, with its own target and log paths."""

    def __init__(self, target: str, workdir: Path, env: dict[str, str]):
        self.target = target
        self.workdir = workdir
        self.env = {
            **os.environ,
            **env,
            "DBT_TARGET": target,
            "DBT_TARGET_PATH": str(workdir / "target"),
            "DBT_LOG_PATH": str(workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_PARTIAL_PARSE": "true",
        }

    def __call__(self, *args: str) -> DbtRun:
        command = [str(DBT), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=1800, check=False
        )
        results, failures = {}, {}
        run_results = self.workdir / "target" / "run_results.json"
        if run_results.exists() and args[0] in ("build", "run", "test", "seed"):
            for result in json.loads(run_results.read_text())["results"]:
                results[result["unique_id"]] = result["status"]
                failures[result["unique_id"]] = result.get("failures") or 0
            run_results.unlink()
        return DbtRun(done.returncode, results, failures, done.stdout + done.stderr)

    def ok(self, *args: str) -> DbtRun:
        run = self(*args)
        assert run.returncode == 0, run.output[-6000:]
        assert run.statuses() <= {"success", "pass"}, {
            uid: s for uid, s in run.results.items() if s not in ("success", "pass")
        }
        return run


def duck_rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pg_rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def normalized(rows: list[tuple]) -> list[tuple]:
    """Rows comparable across DuckDB and Postgres: decimals normalized, instants in UTC."""

    def value(v):
        if isinstance(v, Decimal):
            return format(v.normalize(), "f")
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).isoformat()
        return v

    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)


def copy_warehouse(warehouse: Path, directory: Path) -> Path:
    """A copy of the DuckDB file under the same name (dbt-duckdb's views name their catalog)."""
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(warehouse, directory / warehouse.name))


def in_parallel(*calls):
    """Run independent dbt invocations (different targets or files) at the same time."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def postgres_env(url: str) -> dict[str, str]:
    params = conninfo_to_dict(url)
    return {
        "DBT_PG_HOST": params.get("host", "localhost"),
        "DBT_PG_PORT": str(params.get("port") or 5432),
        "DBT_PG_USER": params.get("user", "postgres"),
        "DBT_PG_PASSWORD": params.get("password", ""),
        "DBT_PG_DBNAME": params["dbname"],
    }
