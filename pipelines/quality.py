"""Data quality: Great Expectations suites on the raw extracts and the key marts, and the daily
reconciliation of the warehouse's sales with the core's.

Suites are plain data here; Great Expectations is imported only when a suite is validated (the
import takes seconds, and the code location must load fast). The nightly run validates every row
of every relation; the hourly refresh only the days it rebuilt (``since``). A large relation is
read in chunks of whole days (``CHUNK_ROWS``), so memory stays bounded; uniqueness is validated
on its key columns over all the rows at once. A failure names the rows (``Suite.row_id``) and
says what to do (``Suite.remedy``): ``explain`` writes the one text the Dagster UI and the CLI
show.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import duckdb

from pipelines.extract import CORE_SALES_BY_DAY, CUSTOMER_COLUMNS
from pipelines.warehouse import META_SCHEMA, table_exists

SAMPLE = 5
# Rows of a fact table validated at once (whole days): ~200 MB of pandas for raw.sale_lines.
CHUNK_ROWS = 1_000_000
# Whole-relation expectations: validated over every row in one frame of just their columns.
WHOLE_RELATION = frozenset({"ExpectColumnValuesToBeUnique"})


@dataclass(frozen=True)
class Expect:
    """One expectation: a ``great_expectations.expectations`` class name and its arguments."""

    type: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        target = self.kwargs.get("column") or self.kwargs.get("column_list") or ""
        return f"{self.type}({target})" if target else self.type


@dataclass(frozen=True)
class Suite:
    """The expectations on one warehouse relation; a failing blocking suite stops downstream."""

    asset_key: tuple[str, ...]
    relation: str
    expectations: tuple[Expect, ...]
    description: str
    columns: str = "*"  # the select list (derived columns allowed)
    date_column: str | None = None  # fact tables: the hourly refresh validates its days only
    blocking: bool = True
    row_id: tuple[str, ...] = ()  # the columns that name a failing row (its key, its day)
    remedy: str = ""  # what to do when it fails (es-PE, shown in the UI and the CLI)

    @property
    def check_name(self) -> str:
        return f"check_{'_'.join(self.asset_key)}_expectations"


def _not_null(*columns: str) -> tuple[Expect, ...]:
    return tuple(Expect("ExpectColumnValuesToNotBeNull", {"column": c}) for c in columns)


def _unique(*columns: str) -> tuple[Expect, ...]:
    return tuple(Expect("ExpectColumnValuesToBeUnique", {"column": c}) for c in columns)


def _in_set(column: str, values: Sequence[Any]) -> Expect:
    return Expect("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)})


def _between(column: str, low: float | None = None, high: float | None = None, **kw) -> Expect:
    return Expect(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high, **kw},
    )


def _raw_remedy(table: str, relation: str) -> str:
    return (
        f"Corrija el origen en el núcleo (tabla {table}, la fila indicada: con una nota de "
        "crédito, un ajuste o la corrección del dato) y ejecute `innovalogix pipeline run "
        "--full-refresh` (corregida en el mismo día, la huella del día que compara el extracto no "
        f"cambia). Hasta entonces la fila queda en {relation} como evidencia y los tableros leen "
        "la instantánea anterior."
    )


def _mart_remedy(model: str, relation: str) -> str:
    return (
        f"Revise el modelo dbt {model} (dbt_project/models/marts) y las filas de raw de las que "
        f"sale la fila indicada de {relation}; corregido, ejecute `innovalogix pipeline run "
        "--full-refresh`. Hasta entonces los tableros leen la instantánea anterior."
    )


OPERATION_TYPES = ("01", "02", "05", "06", "11", "13", "14", "16", "21", "24", "25", "28")
IGV_AFFECTATIONS = ("10", "20", "30")

RAW_SUITES: tuple[Suite, ...] = (
    Suite(
        ("raw", "sales"),
        "raw.sales",
        (
            *_not_null("sale_id", "sale_date", "sold_at", "store_id", "serie", "number"),
            *_unique("sale_id"),
            _in_set("doc_type", ["01", "03"]),
            Expect("ExpectColumnValuesToMatchRegex", {"column": "serie", "regex": r"^[FB]\w{3}$"}),
            _between("total_amount", 0),
            # What the customer pays is the taxable base plus IGV plus exempt amounts, exactly.
            _between("header_imbalance_pen", 0, 0),
        ),
        "Sale headers: keys present and unique, SUNAT types, totals = base + IGV + exempt.",
        columns="*, cast(taxable_amount + exempt_amount + igv_amount - total_amount as double) "
        "as header_imbalance_pen",
        date_column="sale_date",
        row_id=("sale_id", "sale_date", "serie", "number"),
        remedy=_raw_remedy("sales", "raw.sales"),
    ),
    Suite(
        ("raw", "sale_lines"),
        "raw.sale_lines",
        (
            *_not_null("sale_line_id", "sale_id", "sale_date", "product_id", "store_id"),
            *_unique("sale_line_id"),
            _between("quantity", 0, None, strict_min=True),
            _between("unit_price", 0),
            _between("unit_cost", 0),
            _in_set("igv_affectation", IGV_AFFECTATIONS),
            _between("line_imbalance_pen", 0, 0),
        ),
        "Sale lines: positive quantities, non-negative prices and costs, total = base + IGV.",
        columns="*, cast(taxable_amount + igv_amount - line_total as double) as line_imbalance_pen",
        date_column="sale_date",
        row_id=("sale_line_id", "sale_id", "sale_date"),
        remedy=_raw_remedy("sale_lines", "raw.sale_lines"),
    ),
    Suite(
        ("raw", "kardex"),
        "raw.kardex",
        (
            *_not_null("kardex_id", "movement_date", "store_id", "product_id"),
            *_unique("kardex_id"),
            _in_set("operation_type", OPERATION_TYPES),
            _between("quantity_in", 0),
            _between("quantity_out", 0),
            _between("balance_quantity", 0),
            _in_set("moves_one_way", [True]),
        ),
        "Kardex: SUNAT table 12 operations, no negative stock, each row moves goods in or out.",
        columns="*, (quantity_in > 0) <> (quantity_out > 0) as moves_one_way",
        date_column="movement_date",
        row_id=("kardex_id", "movement_date", "store_id", "product_id"),
        remedy=_raw_remedy("kardex", "raw.kardex"),
    ),
    Suite(
        ("raw", "products"),
        "raw.products",
        (
            *_not_null("product_id", "sku", "subcategory_id", "supplier_id"),
            *_unique("product_id", "sku"),
            _between("list_price", 0, None, strict_min=True),
            _in_set("igv_affectation", IGV_AFFECTATIONS),
        ),
        "Products: unique SKUs, positive list prices, a valid IGV affectation.",
        row_id=("product_id", "sku"),
        remedy=_raw_remedy("products", "raw.products"),
    ),
    Suite(
        ("raw", "stores"),
        "raw.stores",
        (
            *_not_null("store_id", "code", "name"),
            *_unique("store_id", "code"),
            Expect("ExpectColumnValuesToMatchRegex", {"column": "code", "regex": r"^\d{4}$"}),
        ),
        "Stores: unique four-digit SUNAT establishment codes.",
        row_id=("store_id", "code"),
        remedy=_raw_remedy("stores", "raw.stores"),
    ),
    Suite(
        ("raw", "customers"),
        "raw.customers",
        (
            # Personal data never leaves the core: exactly the pseudonymous columns, nothing else.
            Expect(
                "ExpectTableColumnsToMatchSet",
                {"column_set": list(CUSTOMER_COLUMNS), "exact_match": True},
            ),
            *_not_null("customer_id", "pseudonym"),
            *_unique("customer_id", "pseudonym"),
            _in_set("doc_type", ["1", "4", "6", "7"]),
        ),
        "Customers: no personal data in the warehouse, unique pseudonyms.",
        row_id=("customer_id",),
        remedy=_raw_remedy("customers", "raw.customers"),
    ),
)

MART_SUITES: tuple[Suite, ...] = (
    Suite(
        ("marts", "fct_sales_lines"),
        "marts.fct_sales_lines",
        (
            *_not_null("sales_line_key", "transaction_date", "store_id", "product_id"),
            *_unique("sales_line_key"),
            _in_set("line_type", ["sale", "return"]),
            _between("unit_cost_pen", 0),
        ),
        "Sales lines mart: unique lines with dates, stores and products, non-negative costs.",
        date_column="transaction_date",
        row_id=("sales_line_key", "transaction_date"),
        remedy=_mart_remedy("fct_sales_lines", "marts.fct_sales_lines"),
    ),
    Suite(
        ("marts", "dim_product"),
        "marts.dim_product",
        (
            *_not_null("product_id", "sku"),
            *_unique("product_id", "sku"),
            _between("list_price_pen", 0, None, strict_min=True),
        ),
        "Product dimension: one row per product, positive prices.",
        row_id=("product_id", "sku"),
        remedy=_mart_remedy("dim_product", "marts.dim_product"),
    ),
    Suite(
        ("marts", "dim_store"),
        "marts.dim_store",
        (*_not_null("store_id", "store_code"), *_unique("store_id", "store_code")),
        "Store dimension: one row per store.",
        row_id=("store_id", "store_code"),
        remedy=_mart_remedy("dim_store", "marts.dim_store"),
    ),
    Suite(
        ("marts", "dim_customer"),
        "marts.dim_customer",
        (
            *_not_null("customer_id", "customer_pseudonym"),
            *_unique("customer_id", "customer_pseudonym"),
        ),
        "Customer dimension: one row per pseudonymous customer.",
        row_id=("customer_id",),
        remedy=_mart_remedy("dim_customer", "marts.dim_customer"),
    ),
)


@dataclass
class SuiteResult:
    success: bool
    rows: int
    evaluated: int
    failures: list[dict[str, Any]]
    since: dt.date | None = None


Chunk = tuple[str, list[Any]]  # a where clause and its parameters


def _scope(suite: Suite, since: dt.date | None) -> Chunk:
    """The rows a run validates: a fact table's days from ``since`` on (the hourly refresh),
    else every row."""
    if suite.date_column and since is not None:
        return f"{suite.date_column} >= ?", [since]
    return "true", []


def chunks(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    since: dt.date | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> list[Chunk]:
    """The reads that cover a suite's rows: one, or, for a fact table of more than
    ``chunk_rows`` rows, ranges of whole days of about that many rows (rows without a day go
    with the first range, so that a missing date is still seen)."""
    scope, params = _scope(suite, since)
    if not suite.date_column:
        return [(scope, params)]
    day = suite.date_column
    counts = con.execute(
        f"select {day}, count(*) from {suite.relation} where {scope} and {day} is not null "
        "group by 1 order by 1",
        params,
    ).fetchall()
    if sum(n for _, n in counts) <= chunk_rows:
        return [(scope, params)]
    ranges: list[list[Any]] = []
    filled = chunk_rows
    for value, n in counts:
        if filled + n > chunk_rows:
            ranges.append([value, value])
            filled = 0
        ranges[-1][1] = value
        filled += n
    reads = [(f"{day} between ? and ?", [first, last]) for first, last in ranges]
    reads[0] = (f"({reads[0][0]} or {day} is null)", reads[0][1])
    return reads


def read_batch(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    since: dt.date | None = None,
    *,
    where: Chunk | None = None,
    columns: str | None = None,
):
    """Rows of a suite's relation as a pandas DataFrame: of a fact table the days from
    ``since`` on when given (the hourly refresh: the days it rebuilt), else every row;
    ``where``: one of ``chunks``; ``columns``: another select list than the suite's."""
    condition, params = where or _scope(suite, since)
    query = f"select {columns or select_list(suite)} from {suite.relation} where {condition}"
    return con.execute(query, params).df()


def select_list(suite: Suite) -> str:
    """The columns the expectations and ``row_id`` need, and the derived ones: not ``*`` (every
    column of a 7M-row table through pandas), unless an expectation is on the table itself."""
    if suite.columns.strip() != "*" and not suite.columns.lstrip().startswith("*,"):
        return suite.columns
    if any("column" not in e.kwargs for e in suite.expectations):
        return suite.columns  # e.g. the set of columns of the table
    derived = suite.columns.lstrip()[1:].lstrip(", ").strip()
    derived_names = {part.split()[-1] for part in _split_select(derived)} if derived else set()
    needed = dict.fromkeys([*suite.row_id, *(e.kwargs["column"] for e in suite.expectations)])
    base = [name for name in needed if name not in derived_names]
    return ", ".join([*base, derived] if derived else base)


def _split_select(select: str) -> list[str]:
    """The items of a select list (commas inside parentheses kept)."""
    items, depth, current = [], 0, ""
    for char in select:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return [*items, current.strip()] if current.strip() else items


_GX_LOCK = threading.Lock()


def preload_in_background() -> None:
    """Import Great Expectations and make its context in a thread of its own (seconds), e.g.
    while the extract waits on the core, so that the first suite does not wait for it."""
    threading.Thread(target=_gx_context, name="gx-preload", daemon=True).start()


def _gx_context():
    with _GX_LOCK:
        return _make_gx_context()


@cache
def _make_gx_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    since: dt.date | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> SuiteResult:
    """Validate a suite on the rows of its scope (every row, or the days from ``since`` on):
    row by row expectations chunk by chunk, uniqueness over all the rows at once."""
    whole = [e for e in suite.expectations if e.type in WHOLE_RELATION]
    by_row = [e for e in suite.expectations if e.type not in WHOLE_RELATION]
    results: list[SuiteResult] = []
    rows = 0
    for where in chunks(con, suite, since, chunk_rows):
        frame = read_batch(con, suite, where=where)
        rows += len(frame)
        results.append(validate(frame, suite, by_row))
        del frame
    for expect in whole:
        needed = dict.fromkeys([expect.kwargs["column"], *suite.row_id])
        frame = read_batch(con, suite, since, columns=", ".join(needed))
        results.append(validate(frame, suite, [expect]))
        del frame
    failures = _merge([f for r in results for f in r.failures])
    return SuiteResult(not failures, rows, len(suite.expectations), failures, since)


def validate(frame, suite: Suite, expectations: Sequence[Expect] | None = None) -> SuiteResult:
    """Validate ``frame`` against ``suite`` (or some of its ``expectations``) with Great
    Expectations (imported here, lazily); failures name their rows by ``suite.row_id``."""
    import great_expectations as gx

    expectations = suite.expectations if expectations is None else expectations
    context = _gx_context()
    name = "_".join(suite.asset_key)
    source = context.data_sources.add_or_update_pandas(f"warehouse_{name}")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    expectation_suite = gx.ExpectationSuite(
        name=suite.check_name,
        expectations=[getattr(gx.expectations, e.type)(**e.kwargs) for e in expectations],
    )
    row_id = [c for c in suite.row_id if c in frame.columns]
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE}
    if row_id:
        result_format["unexpected_index_column_names"] = row_id
    result = batch.validate(expectation_suite, result_format=result_format)
    failures = []
    for r in result.results:
        if r.success:
            continue
        details = r.result or {}
        kwargs = r.expectation_config.kwargs
        failures.append(
            {
                "expectation": r.expectation_config.type,
                "column": kwargs.get("column"),
                "rule": _rule(r.expectation_config.type, kwargs),
                "unexpected_count": details.get("unexpected_count"),
                "sample": [_plain(v) for v in (details.get("partial_unexpected_list") or [])][
                    :SAMPLE
                ],
                "rows": [
                    {k: _plain(v) for k, v in row.items()}
                    for row in (details.get("partial_unexpected_index_list") or [])[:SAMPLE]
                ],
                "observed": _plain(details.get("observed_value")),
                "error": (r.exception_info or {}).get("exception_message")
                if isinstance(r.exception_info, dict)
                else None,
            }
        )
    return SuiteResult(not failures, len(frame), len(result.results), failures)


def _merge(failures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One failure per expectation and column: counts added up, rows and samples of the first
    chunks that failed."""
    merged: dict[tuple, dict[str, Any]] = {}
    for failure in failures:
        key = (failure["expectation"], failure["column"], failure["rule"])
        if key not in merged:
            merged[key] = {
                **failure,
                "rows": list(failure["rows"]),
                "sample": list(failure["sample"]),
            }
            continue
        into = merged[key]
        if failure["unexpected_count"] is not None:
            into["unexpected_count"] = (into["unexpected_count"] or 0) + failure["unexpected_count"]
        into["rows"] = (into["rows"] + failure["rows"])[:SAMPLE]
        into["sample"] = (into["sample"] + failure["sample"])[:SAMPLE]
        into["error"] = into["error"] or failure["error"]
    return list(merged.values())


def _rule(expectation: str, kwargs: Mapping[str, Any]) -> str:
    """What an expectation asks, in Spanish (for the explanation of a failure)."""
    if "_" in expectation:  # GX reports expect_column_values_to_be_between
        expectation = "".join(part.capitalize() for part in expectation.split("_"))
    if expectation == "ExpectColumnValuesToNotBeNull":
        return "no puede estar vacío"
    if expectation == "ExpectColumnValuesToBeUnique":
        return "no puede repetirse"
    if expectation == "ExpectColumnValuesToBeInSet":
        return "debe ser uno de " + ", ".join(str(v) for v in kwargs["value_set"])
    if expectation == "ExpectColumnValuesToMatchRegex":
        return f"debe tener el formato {kwargs['regex']}"
    if expectation == "ExpectTableColumnsToMatchSet":
        return "las columnas deben ser exactamente " + ", ".join(kwargs["column_set"])
    if expectation == "ExpectColumnValuesToBeBetween":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and low == high:
            return f"debe ser {low}"
        bounds = []
        if low is not None:
            bounds.append(f"{'>' if kwargs.get('strict_min') else '≥'} {low}")
        if high is not None:
            bounds.append(f"{'<' if kwargs.get('strict_max') else '≤'} {high}")
        return "debe ser " + " y ".join(bounds)
    return expectation


def _plain(value: Any) -> Any:
    """A JSON-able value: numpy scalars as Python numbers, days as ISO dates, NaN/NaT None."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is not None and not isinstance(value, (str, dict)) and value != value:
        return None  # NaN, NaT
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        value = value.item()  # numpy scalar
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()  # pandas Timestamp
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.tzinfo is None:
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


# --- What a failure means and what to do -----------------------------------------------------


def explain(suite: Suite, result: SuiteResult) -> str:
    """The one text of a failed suite (markdown, es-PE): which check, which rows, what to do.
    The check's metadata carries it to the Dagster UI; the CLI prints the same."""
    scope = (
        f"los días desde el {show_value(result.since.isoformat())}"
        if result.since
        else "todas las filas"
    )
    lines = [
        f"**{suite.relation}** no pasa `{suite.check_name}` "
        f"({result.rows:,} filas validadas: {scope}).",
        "",
    ]
    for failure in result.failures:
        count = failure["unexpected_count"]
        where = failure["column"] or "la tabla"
        lines.append(
            f"- {where} {failure['rule']}"
            + (f": {count:,} fila(s) no cumplen" if count else "")
            + (f" (error: {failure['error']})" if failure["error"] else "")
            + (
                f" (observado: {show_value(failure['observed'])})"
                if failure["observed"] is not None and not failure["rows"]
                else ""
            )
        )
        for row in failure["rows"]:
            named = ", ".join(f"{k} = {show_value(v, k)}" for k, v in row.items())
            lines.append(f"    - fila {named}")
    lines += ["", f"**Qué hacer:** {suite.remedy}"]
    return "\n".join(lines)


def show_value(value: Any, column: str = "") -> str:
    """A value as people in Peru read it: days dd/mm/aaaa, soles ``S/ 1,234.50``."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
        return day.strftime("%d/%m/%Y") + value[10:].replace("T", " ")
    if isinstance(value, float) and column.endswith("_pen"):
        sign = "-" if value < 0 else ""
        return f"S/ {sign}{abs(value):,.2f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


RECONCILIATION_REMEDY = (
    "Ejecute `innovalogix pipeline run --full-refresh` (el extracto recarga las tablas enteras "
    "desde el núcleo); si un día sigue distinto, compare ese día en el núcleo y en raw.sales / "
    "raw.sale_lines antes de publicar. Hasta entonces los tableros leen la instantánea anterior."
)


def explain_reconciliation(
    relation: str, check_name: str, differences: Sequence[Mapping[str, Any]], since
) -> str:
    """The one text of a failed reconciliation: which days differ, on which side, what to do."""
    scope = f"desde el {since:%d/%m/%Y}" if since else "todos los días"
    lines = [
        f"**{relation}** no cuadra con el núcleo (`{check_name}`, {scope}): "
        f"{len(differences):,} día(s) distintos.",
        "",
    ]
    lines += [
        f"- {show_value(d['day'])}: núcleo {_side(d['core'])}; almacén {_side(d['warehouse'])}"
        for d in differences[:SAMPLE]
    ]
    lines += ["", f"**Qué hacer:** {RECONCILIATION_REMEDY}"]
    return "\n".join(lines)


def _side(totals: Mapping[str, Any] | None) -> str:
    if totals is None:
        return "sin ventas"
    total = Decimal(totals["total_pen"])
    return f"{totals['tickets']:,} tickets, S/ {total:,.2f}, {Decimal(totals['units']):,} unidades"


# --- Reconciliation -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTotals:
    tickets: int
    total_pen: Decimal
    units: Decimal


def extracted_core_daily_sales(
    con: duckdb.DuckDBPyConnection, since: dt.date | None = None
) -> dict[dt.date, DayTotals]:
    """Per business day, the core's tickets, totals and units as the last extract of the sales
    read them, in its snapshot (``pipelines.extract.record_core_sales_by_day``): what the
    warehouse must hold. Empty before the first extract."""
    if not table_exists(con, META_SCHEMA, CORE_SALES_BY_DAY):
        return {}
    rows = con.execute(
        f"select day, tickets, total_pen, units from {META_SCHEMA}.{CORE_SALES_BY_DAY} "
        "where day >= ?",
        [since or dt.date.min],
    ).fetchall()
    return {
        day: DayTotals(int(n), Decimal(total or 0), Decimal(units or 0))
        for day, n, total, units in rows
    }


def warehouse_daily_sales(
    con: duckdb.DuckDBPyConnection,
    headers_sql: str,
    units_sql: str,
    since: dt.date | None = None,
) -> dict[dt.date, DayTotals]:
    """Per day in the warehouse (from ``since`` on, if given); ``headers_sql`` yields (day,
    tickets, total), ``units_sql`` (day, units)."""
    params: list[Any] = []
    if since is not None:
        # A filter on the grouping column: DuckDB pushes it below the aggregate into the scan.
        headers_sql = f"select * from ({headers_sql}) as h(day, n, total) where day >= ?"
        units_sql = f"select * from ({units_sql}) as u(day, units) where day >= ?"
        params.append(since)
    units = dict(con.execute(units_sql, params).fetchall())
    return {
        day: DayTotals(int(n), Decimal(total or 0), Decimal(units.get(day) or 0))
        for day, n, total in con.execute(headers_sql, params).fetchall()
    }


RAW_SALES_BY_DAY = (
    "select sale_date, count(*), sum(total_amount) from raw.sales group by 1",
    "select sale_date, sum(quantity) from raw.sale_lines group by 1",
)

MART_SALES_BY_DAY = (
    "select transaction_date, count(distinct sale_id), sum(total_with_igv_pen) "
    "from marts.fct_sales_lines where line_type = 'sale' group by 1",
    "select transaction_date, sum(units_qty) from marts.fct_sales_lines "
    "where line_type = 'sale' group by 1",
)


def reconcile(
    core: Mapping[dt.date, DayTotals], warehouse: Mapping[dt.date, DayTotals]
) -> list[dict[str, Any]]:
    """The days whose tickets, totals or units differ, with both sides."""
    differences = []
    for day in sorted(core.keys() | warehouse.keys()):
        ours, theirs = warehouse.get(day), core.get(day)
        if ours != theirs:
            differences.append(
                {
                    "day": day.isoformat(),
                    "core": None if theirs is None else _totals(theirs),
                    "warehouse": None if ours is None else _totals(ours),
                }
            )
    return differences


def _totals(t: DayTotals) -> dict[str, Any]:
    return {"tickets": t.tickets, "total_pen": str(t.total_pen), "units": str(t.units)}
