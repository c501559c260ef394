"""The extract: every core table copied into the warehouse's ``raw`` schema, incrementally.

The contract: ``raw.<table>`` has the same name, columns and types as ``public.<table>`` in the
core, except ``customers``, whose copy keeps only the pseudonymous columns (personal data never
leaves the core).

Each table is loaded with the strategy that fits it:

* ``daily`` (append-only facts with a business date: sales, kardex ...): the per-day fingerprint
  (row count, highest id) of the core is compared with the warehouse's, and every day that
  differs is replaced whole (delete + insert). A re-run of a day replaces it, never duplicates it;
  a day of late sales is the only day reprocessed.
* ``append`` (append-only line tables without a date): rows above the warehouse's highest id are
  appended; if the rows below that high-water mark no longer match the core in number (a
  transaction that committed late with lower ids), the table is reloaded whole.
* ``full`` (master data and tables whose rows change: products, customers, stock balances ...):
  replaced whole; they are small.

A first load, a ``full_refresh`` or a change of columns in the core reloads a table whole.

Everything runs in ONE DuckDB transaction: the postgres scanner reads the core in one
repeatable-read snapshot for the whole extract (sales and their lines agree), and a failure or a
killed process leaves the warehouse exactly as it was before. The warehouse itself is the state:
there is no separate watermark to drift out of sync with the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import duckdb

from pipelines.warehouse import CORE_ALIAS, META_SCHEMA, RAW_SCHEMA, sql_literal, table_exists

# Days replaced one contiguous run at a time; beyond this many runs a whole reload is cheaper.
MAX_DAY_RUNS = 60

# DuckDB settings while the extract runs; the previous values are restored afterwards.
# The load is CPU-bound (the core's backends and DuckDB share the cores), so the settings trade
# nothing measurable in the result for less CPU. See docs/BENCHMARKS.md, "Extract vs bare COPY".
LOAD_SETTINGS: Mapping[str, str] = {
    # FSST analysis is about 5 % of the writer's CPU; raw's string columns are codes and names
    # of low cardinality that dictionary compression already wins: same file size without it.
    "disabled_compression_methods": "fsst",
    # A union of leaf partitions is read leaf after leaf, each split into ctid ranges of this many
    # pages; smaller ranges keep both threads busy on the small leaves (sales, payments).
    "pg_pages_per_task": "500",
}


class Strategy(StrEnum):
    DAILY = "daily"
    APPEND = "append"
    FULL = "full"


CUSTOMER_COLUMNS = (
    "customer_id",
    "doc_type",
    "pseudonym",
    "is_business",
    "marketing_consent",
    "consent_given_at",
    "consent_revoked_at",
    "is_blocked",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class SourceTable:
    """A core table and how it is extracted."""

    name: str
    strategy: Strategy
    description: str
    date_column: str | None = None
    id_column: str | None = None
    columns: tuple[str, ...] | None = None  # a projection; None copies every column

    def select_list(self) -> str:
        return ", ".join(f'"{c}"' for c in self.columns) if self.columns else "*"

    def order_by(self) -> str:
        keys = [k for k in (self.date_column, self.id_column) if k]
        return f" order by {', '.join(keys)}" if keys else ""


def _daily(name: str, date_column: str, id_column: str | None, description: str) -> SourceTable:
    return SourceTable(name, Strategy.DAILY, description, date_column, id_column)


def _append(name: str, id_column: str, description: str) -> SourceTable:
    return SourceTable(name, Strategy.APPEND, description, id_column=id_column)


def _full(name: str, description: str, columns: tuple[str, ...] | None = None) -> SourceTable:
    return SourceTable(name, Strategy.FULL, description, columns=columns)


SOURCE_TABLES: tuple[SourceTable, ...] = (
    # Master data
    _full("stores", "Stores and warehouses of the chain with their SUNAT establishment code."),
    _full("suppliers", "Suppliers with RUC, lead time and minimum order."),
    _full("product_departments", "Top level of the product hierarchy."),
    _full("product_categories", "Product categories within departments."),
    _full("product_subcategories", "Product subcategories within categories."),
    _full("products", "The product catalogue: SKU, brand, supplier, list price, IGV affectation."),
    _full(
        "customers",
        "Customers by pseudonym with consent and blocking flags; no personal data.",
        CUSTOMER_COLUMNS,
    ),
    _append("customer_consent_events", "event_id", "Every marketing consent granted or revoked."),
    _full("payment_methods", "Payment methods: cash, card, Yape, Plin, transfer."),
    _full("comprobante_series", "Comprobante series per store and document type."),
    _full("promotions", "Price promotions per product, store and date range."),
    _full("idempotency_keys", "Idempotency keys of the core's operations (technical)."),
    # Sales
    _daily("sales", "sale_date", "sale_id", "Sales: one row per boleta or factura issued."),
    _daily("sale_lines", "sale_date", "sale_line_id", "Sale lines with price, IGV and cost."),
    _daily("sale_payments", "sale_date", "sale_payment_id", "Payments of each sale by method."),
    _daily("issued_documents", "issued_on", None, "Every comprobante number issued, by serie."),
    _daily("returns", "return_date", "return_id", "Customer returns (notas de crédito)."),
    _append("return_lines", "return_line_id", "Returned lines at the cost the goods left with."),
    # Purchasing and stock movements
    _full("purchase_orders", "Purchase orders to suppliers and their status."),
    _full("purchase_order_lines", "Lines of the purchase orders."),
    _daily("goods_receipts", "receipt_date", "goods_receipt_id", "Goods received from suppliers."),
    _append("goods_receipt_lines", "goods_receipt_line_id", "Received lines with their unit cost."),
    _full("transfers", "Transfers between stores and their reception status."),
    _append("transfer_lines", "transfer_line_id", "Transferred lines at the average cost."),
    _daily(
        "inventory_adjustments",
        "adjustment_date",
        "adjustment_id",
        "Inventory adjustments: shrinkage, damage, counts, initial balances.",
    ),
    _append(
        "inventory_adjustment_lines", "adjustment_line_id", "Adjusted quantities and their cost."
    ),
    _daily("physical_counts", "count_date", "physical_count_id", "Physical inventory counts."),
    _append("physical_count_lines", "physical_count_line_id", "Counted versus system quantities."),
    _full("stock_balances", "Current stock on hand and average cost per product and store."),
    _daily(
        "kardex",
        "movement_date",
        "kardex_id",
        "The valued kardex (PLE 13.1): every stock movement with its running balance.",
    ),
)
SOURCE_TABLES_BY_NAME = {t.name: t for t in SOURCE_TABLES}


@dataclass
class TableLoad:
    """What one table's load did; becomes the asset's materialization metadata."""

    table: str
    strategy: Strategy
    mode: str  # "full" | "incremental"
    reason: str
    rows: int = 0  # rows in raw.<table> after the load
    rows_loaded: int = 0  # rows written by this load
    rows_deleted: int = 0
    days: list[dt.date] = field(default_factory=list)
    watermark: str | None = None
    elapsed_s: float = 0.0


def extract(
    con: duckdb.DuckDBPyConnection,
    tables: Iterable[SourceTable] = SOURCE_TABLES,
    *,
    full_refresh: bool = False,
    days: Iterable[dt.date] = (),
    run_id: str = "",
    source: str = CORE_ALIAS,
    on_table_loaded: Callable[[TableLoad], None] | None = None,
) -> list[TableLoad]:
    """Load ``tables`` from the attached core ``source`` into ``raw``, all or nothing.

    Args:
        con: the warehouse connection, with the core attached as ``source``.
        tables: the tables to load.
        full_refresh: reload every table whole (the initial backfill).
        days: business days of the daily tables to replace even if their fingerprint matches.
        run_id: recorded in ``pipeline_meta.extract_loads`` with each table's load.
        source: the alias the core is attached under.
        on_table_loaded: called after each table (progress display).
    """
    forced_days = sorted(set(days))
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    _ensure_log_table(con)
    loads: list[TableLoad] = []
    existing = _raw_tables(con)
    with load_settings(con):
        con.execute("begin transaction")
        try:
            core = Core(source, _partitions(con, source))
            for table in tables:
                load = _extract_table(con, table, full_refresh, forced_days, core, existing)
                existing.add(table.name)
                loads.append(load)
                if on_table_loaded:
                    on_table_loaded(load)
            record_core_sales_by_day(con, core.alias, loads)
            _log(con, loads, run_id)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return loads


@contextlib.contextmanager
def load_settings(
    con: duckdb.DuckDBPyConnection, settings: Mapping[str, str] = LOAD_SETTINGS
) -> Iterator[None]:
    """``settings`` applied for the duration of the block, the previous values restored after.

    Some of them (``disabled_compression_methods``) are global to the DuckDB instance, which every
    connection to the warehouse file in this process shares (dbt's too).
    """
    previous = {
        name: con.execute("select current_setting(?)", [name]).fetchone()[0] for name in settings
    }
    try:
        for name, value in settings.items():
            con.execute(f"set {name} = {sql_literal(value)}")
        yield
    finally:
        for name, value in previous.items():
            con.execute(f"set {name} = {sql_literal(str(value))}")


@dataclass(frozen=True)
class Core:
    """The attached core: its alias, and the leaf partitions of its partitioned tables."""

    alias: str
    partitions: Mapping[str, Sequence[str]]

    def scan(self, con: duckdb.DuckDBPyConnection, table: SourceTable, where: str = "") -> str:
        """A select of ``table``, ready for the scanner.

        The scanner splits an ordinary table into ctid ranges read in parallel. A partitioned
        parent has no pages of its own, so a whole load unions its leaf partitions (each read in
        parallel), and a filtered read goes to the parent with ctid ranges off (one COPY, pruned
        to the partitions the filter needs).
        """
        partitioned = table.name in self.partitions
        leaves = self.partitions.get(table.name) or []
        whole_leaves = partitioned and leaves and not where
        con.execute(
            f"set pg_use_ctid_scan = {'true' if whole_leaves or not partitioned else 'false'}"
        )
        if whole_leaves:
            return " union all ".join(
                f"select {table.select_list()} from {self.alias}.public.{_ident(leaf)}"
                for leaf in leaves
            )
        return f"select {table.select_list()} from {self.alias}.public.{table.name} {where}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partitions(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, list[str]]:
    """Leaf partitions holding data, per partitioned table of the core's public schema.

    Partitions are created months ahead and most are empty; a partition whose file has no pages
    cannot hold a row visible to this snapshot, so it is not scanned.
    """
    sql = (
        "select parent.relname, leaf.relid::regclass::text "
        "from pg_class parent join pg_namespace n on n.oid = parent.relnamespace, "
        "lateral pg_partition_tree(parent.oid) leaf "
        "where n.nspname = 'public' and parent.relkind = 'p' and not parent.relispartition "
        "and leaf.isleaf and pg_relation_size(leaf.relid) > 0 order by 1, 2"
    )
    partitions: dict[str, list[str]] = {}
    for parent, leaf in con.execute(
        f"select * from postgres_query({sql_literal(source)}, {sql_literal(sql)})"
    ).fetchall():
        partitions.setdefault(parent, []).append(leaf.removeprefix("public."))
    return partitions


def _extract_table(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    full_refresh: bool,
    forced_days: Sequence[dt.date],
    core: Core,
    existing: set[str],
) -> TableLoad:
    started = time.perf_counter()
    reason = None
    if full_refresh:
        reason = "full refresh requested"
    elif table.name not in existing:
        reason = "first load"
    elif table.strategy is Strategy.FULL:
        reason = "small or mutable table: replaced whole"
    elif _columns(con, f"{RAW_SCHEMA}.{table.name}") != _columns(
        con, f"select {table.select_list()} from {core.alias}.public.{table.name}"
    ):
        reason = "columns changed in the core"

    if reason:
        load = _replace_all(con, table, core, reason, table.name in existing)
    elif table.strategy is Strategy.DAILY:
        load = _replace_days(con, table, core, forced_days)
    else:
        load = _append_above_watermark(con, table, core)
    load.rows, load.watermark = _size_and_watermark(con, table)
    load.elapsed_s = round(time.perf_counter() - started, 3)
    return load


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    query = (
        relation if relation.lstrip().lower().startswith("select") else f"select * from {relation}"
    )
    return [(row[0], row[1]) for row in con.execute(f"describe {query}").fetchall()]


def _raw_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() "
        f"where database_name = current_database() and schema_name = {sql_literal(RAW_SCHEMA)}"
    ).fetchall()
    return {name for (name,) in rows}


def _replace_all(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    core: Core,
    reason: str,
    exists: bool = True,
) -> TableLoad:
    previous = _count(con, f"{RAW_SCHEMA}.{table.name}") if exists else 0
    con.execute(
        f"create or replace table {RAW_SCHEMA}.{table.name} as "
        f"select * from ({core.scan(con, table)}){table.order_by()}"
    )
    loaded = _count(con, f"{RAW_SCHEMA}.{table.name}")
    return TableLoad(
        table.name, table.strategy, "full", reason, rows_loaded=loaded, rows_deleted=previous
    )


def _replace_days(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    core: Core,
    forced_days: Sequence[dt.date],
) -> TableLoad:
    days = sorted(set(changed_days(con, table, core.alias)) | set(forced_days))
    runs = day_runs(days)
    if len(runs) > MAX_DAY_RUNS:
        return _replace_all(con, table, core, f"{len(days)} days changed: replaced whole")
    target = f"{RAW_SCHEMA}.{table.name}"
    deleted = loaded = 0
    for first, last in runs:
        between = f"{table.date_column} between DATE '{first}' and DATE '{last}'"
        deleted += _affected(con.execute(f"delete from {target} where {between}"))
        loaded += _affected(
            con.execute(
                f"insert into {target} by name {core.scan(con, table, f'where {between}')}"
                f"{table.order_by()}"
            )
        )
    reason = "days whose rows changed in the core" if days else "no day changed"
    return TableLoad(
        table.name,
        table.strategy,
        "incremental",
        reason,
        rows_loaded=loaded,
        rows_deleted=deleted,
        days=days,
    )


def changed_days(con: duckdb.DuckDBPyConnection, table: SourceTable, source: str) -> list[dt.date]:
    """Business days whose (row count, highest id) differ between the core and ``raw``."""
    date, ident = table.date_column, table.id_column or "0"
    core_sql = f"select {date}, count(*), max({ident}) from public.{table.name} group by 1"
    core = {
        row[0]: (row[1], row[2])
        for row in con.execute(
            f"select * from postgres_query({sql_literal(source)}, {sql_literal(core_sql)})"
        ).fetchall()
    }
    warehouse = {
        row[0]: (row[1], row[2])
        for row in con.execute(
            f"select {date}, count(*), max({ident}) from {RAW_SCHEMA}.{table.name} group by 1"
        ).fetchall()
    }
    return sorted(d for d in core.keys() | warehouse.keys() if core.get(d) != warehouse.get(d))


def day_runs(days: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days grouped into contiguous (first, last) runs."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _append_above_watermark(
    con: duckdb.DuckDBPyConnection, table: SourceTable, core: Core
) -> TableLoad:
    target, ident = f"{RAW_SCHEMA}.{table.name}", table.id_column
    watermark = con.execute(f"select coalesce(max({ident}), 0) from {target}").fetchone()[0]
    loaded = _affected(
        con.execute(
            f"insert into {target} by name "
            f"{core.scan(con, table, f'where {ident} > {int(watermark)}')}{table.order_by()}"
        )
    )
    new_watermark, count = con.execute(
        f"select coalesce(max({ident}), 0), count(*) from {target}"
    ).fetchone()
    core_sql = f"select count(*) from public.{table.name} where {ident} <= {int(new_watermark)}"
    core_count = con.execute(
        f"select * from postgres_query({sql_literal(core.alias)}, {sql_literal(core_sql)})"
    ).fetchone()[0]
    if core_count != count:
        return _replace_all(
            con, table, core, f"{core_count - count:+d} rows below the high-water mark: reloaded"
        )
    reason = "rows above the high-water mark" if loaded else "no new rows"
    return TableLoad(table.name, table.strategy, "incremental", reason, rows_loaded=loaded)


def _size_and_watermark(
    con: duckdb.DuckDBPyConnection, table: SourceTable
) -> tuple[int, str | None]:
    target = f"{RAW_SCHEMA}.{table.name}"
    if table.strategy is Strategy.DAILY:
        ident = table.id_column or "null"
        rows, last_day, last_id = con.execute(
            f"select count(*), max({table.date_column}), max({ident}) from {target}"
        ).fetchone()
        if last_day is None:
            return rows, None
        return rows, f"{last_day}" + (f" / {table.id_column} {last_id}" if table.id_column else "")
    if table.strategy is Strategy.APPEND:
        rows, last_id = con.execute(
            f"select count(*), max({table.id_column}) from {target}"
        ).fetchone()
        return rows, None if last_id is None else f"{table.id_column} {last_id}"
    return _count(con, target), None


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])


def _affected(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0


# The core's sales per business day as the extract saw them (its snapshot): what the
# reconciliation compares the warehouse with. Read live after the extract, the core would also
# count sales that committed after the extract's snapshot with ids below the highest it read
# (a transaction that took its sale_id earlier and committed later): a false difference.
CORE_SALES_BY_DAY = "core_sales_by_day"


def record_core_sales_by_day(
    con: duckdb.DuckDBPyConnection, source: str, loads: Sequence[TableLoad]
) -> None:
    """Store the core's (tickets, total, units) of the days this extract loaded of ``sales`` or
    ``sale_lines`` (every day after a whole load), read in the extract's snapshot.

    Days the extract left alone kept their fingerprint (the facts are append-only), so their
    recorded totals still hold.
    """
    touched = [load for load in loads if load.table in ("sales", "sale_lines")]
    if not touched:
        return
    target = f"{META_SCHEMA}.{CORE_SALES_BY_DAY}"
    whole = any(load.mode == "full" for load in touched) or not table_exists(
        con, META_SCHEMA, CORE_SALES_BY_DAY
    )
    days = sorted({day for load in touched for day in load.days})
    if not whole and not days:
        return
    con.execute(
        f"create table if not exists {target} "
        "(day date, tickets bigint, total_pen decimal(18, 2), units decimal(18, 3))"
    )
    where = ""
    if not whole:
        listed = ", ".join(f"'{day.isoformat()}'" for day in days)
        where = f" where sale_date in ({listed})"
    core_sql = (
        "select h.sale_date, h.tickets, h.total_pen, coalesce(u.units, 0)::numeric(18, 3) "
        "from (select sale_date, count(*) as tickets, sum(total_amount)::numeric(18, 2) "
        f"as total_pen from public.sales{where} group by 1) h left join "
        "(select sale_date, sum(quantity)::numeric(18, 3) as units from public.sale_lines"
        f"{where} group by 1) u using (sale_date)"
    )
    if whole:
        con.execute(f"delete from {target}")
    else:
        con.execute(f"delete from {target} where day in ({listed})")
    con.execute(
        f"insert into {target} select * from postgres_query("
        f"{sql_literal(source)}, {sql_literal(core_sql)})"
    )


def _ensure_log_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {META_SCHEMA}.extract_loads ("
        "run_id varchar, table_name varchar, strategy varchar, mode varchar, reason varchar, "
        "days date[], rows_loaded bigint, rows_deleted bigint, rows bigint, "
        "elapsed_s double, loaded_at timestamptz default current_timestamp)"
    )


def _log(con: duckdb.DuckDBPyConnection, loads: Sequence[TableLoad], run_id: str) -> None:
    if not loads:
        return
    con.executemany(
        f"insert into {META_SCHEMA}.extract_loads (run_id, table_name, strategy, mode, reason, "
        "days, rows_loaded, rows_deleted, rows, elapsed_s) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                load.table,
                str(load.strategy),
                load.mode,
                load.reason,
                load.days,
                load.rows_loaded,
                load.rows_deleted,
                load.rows,
                load.elapsed_s,
            )
            for load in loads
        ],
    )
