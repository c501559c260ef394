"""Generate a demo chain into a database: one transaction, nothing partial on failure."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg

from erp_core.demo.bulk import restore_constraints, suspend_constraints
from erp_core.demo.chain import build_chain, rng_for
from erp_core.demo.masterdata import write_master_data
from erp_core.demo.pricing import Pricing
from erp_core.demo.scales import Scale
from erp_core.demo.simulate import simulate
from erp_core.demo.tables import COLUMNS, CORE_TABLES, Tables
from erp_core.demo.truth import planted_truth, write_truth
from erp_core.partitions import ensure_partitions
from erp_core.pii import PiiVault
from erp_core.settings import get_settings
from erp_core.timeutil import lima_today

TRUTH_FILE = "planted_truth.json"
NON_EMPTY_CHECK = ("sales", "stores", "products", "suppliers", "customers")


class DemoDataError(RuntimeError):
    """The target database cannot take demo data (not migrated, or not empty).

    The message is shown as is to the person running ``innovalogix demo-data``: Spanish.
    """


@dataclass(frozen=True)
class Summary:
    start_date: dt.date
    end_date: dt.date
    rows: dict[str, int]
    total_sales: Decimal
    lost_units: int
    elapsed_seconds: float
    phase_seconds: dict[str, float]
    truth_path: Path


def default_end_date() -> dt.date:
    """History ends yesterday in Lima."""
    return lima_today() - dt.timedelta(days=1)


def generate(
    conn: psycopg.Connection,
    scale: Scale,
    seed: int,
    end_date: dt.date | None = None,
    replace: bool = False,
    truth_path: Path | None = None,
    on_day: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Summary:
    """Write a whole simulated chain and its history ending ``end_date``; return counts.

    ``on_day`` is called after each simulated day, ``on_phase`` when a phase starts.
    """
    phases = Phases(on_phase)
    end_date = end_date or default_end_date()
    truth_path = truth_path or get_settings().demo_dir / TRUTH_FILE
    with conn.transaction():
        with phases("master data"):
            _prepare(conn, replace)
            chain = build_chain(seed, scale, end_date)
            ensure_partitions(conn, chain.start, end_date)
            tables = Tables(conn)
            suspended = suspend_constraints(conn, list(COLUMNS))
            pricing = Pricing(rng_for(seed, 6), chain.catalog, int(chain.month_of_day[-1]) + 1)
            pseudonyms = write_master_data(chain, tables, PiiVault.from_settings(), pricing)
            tables.flush()
        with phases("simulation"):
            outcome = simulate(chain, tables, pricing, on_day)
        with phases("indexes and keys"):
            restore_constraints(conn, suspended)
            tables.finish()
        with phases("statistics"):
            for table in COLUMNS:
                conn.execute(f"analyze {table}")
    write_truth(planted_truth(chain, pseudonyms, outcome), truth_path)
    return Summary(
        chain.start, end_date, dict(tables.written), outcome.total_sales, outcome.lost_units,
        phases.total, phases.seconds, truth_path,
    )  # fmt: skip


class Phases:
    """Seconds spent per phase; a listener hears each phase's name as it starts."""

    def __init__(self, listener: Callable[[str], None] | None):
        self.listener = listener
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.listener:
            self.listener(name)
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def _prepare(conn: psycopg.Connection, replace: bool) -> None:
    """Refuse a database without the schema, or with data unless asked to replace it."""
    if conn.execute("select to_regclass('sales')").fetchone()[0] is None:
        raise DemoDataError(
            "la base de datos no tiene el esquema de InnovaLogix: ejecute `innovalogix db upgrade`"
        )
    found = [
        t
        for t in NON_EMPTY_CHECK
        if conn.execute(f"select exists (select 1 from {t})").fetchone()[0]
    ]
    if found and not replace:
        raise DemoDataError(
            f"la base de datos ya tiene datos ({', '.join(found)}): use --replace para vaciar "
            "las tablas del núcleo y generar de nuevo"
        )
    if found:
        conn.execute(f"truncate {', '.join(CORE_TABLES)} restart identity cascade")
