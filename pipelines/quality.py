"""Data quality: Great Expectations suites on the raw extracts and the key marts, and the daily
reconciliation of the warehouse's sales with the core's.

Suites are plain data here; Great Expectations is imported only when a suite is validated (the
import takes seconds, and the code location must load fast). Each suite reads its relation from
the warehouse into a DataFrame (fact tables: the trailing ``window_days`` business days, the
reconciliation covers every day; in the hourly refresh both cover only the days it rebuilt) and
validates it in an ephemeral GX context.
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

WINDOW_DAYS = 92
SAMPLE = 5


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
    date_column: str | None = None  # fact tables: validate the trailing window only
    blocking: bool = True

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
    ),
    Suite(
        ("marts", "dim_store"),
        "marts.dim_store",
        (*_not_null("store_id", "store_code"), *_unique("store_id", "store_code")),
        "Store dimension: one row per store.",
    ),
    Suite(
        ("marts", "dim_customer"),
        "marts.dim_customer",
        (
            *_not_null("customer_id", "customer_pseudonym"),
            *_unique("customer_id", "customer_pseudonym"),
        ),
        "Customer dimension: one row per pseudonymous customer.",
    ),
)


@dataclass
class SuiteResult:
    success: bool
    rows: int
    evaluated: int
    failures: list[dict[str, Any]]


def read_batch(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    window_days: int = WINDOW_DAYS,
    since: dt.date | None = None,
):
    """The rows a suite validates, as a pandas DataFrame.

    Fact tables (a ``date_column``): the days from ``since`` on when given (the hourly refresh:
    the days it rebuilt), else the trailing ``window_days``. Other relations: every row.
    """
    query = f"select {suite.columns} from {suite.relation}"
    params: list[Any] = []
    if suite.date_column and since is not None:
        query += f" where {suite.date_column} >= ?"
        params.append(since)
    elif suite.date_column:
        query += (
            f" where {suite.date_column} > (select max({suite.date_column}) from {suite.relation})"
            f" - interval {int(window_days)} day"
        )
    return con.execute(query, params).df()


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


def validate(frame, suite: Suite) -> SuiteResult:
    """Validate ``frame`` against ``suite`` with Great Expectations (imported here, lazily)."""
    import great_expectations as gx

    context = _gx_context()
    name = "_".join(suite.asset_key)
    source = context.data_sources.add_or_update_pandas(f"warehouse_{name}")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    expectation_suite = gx.ExpectationSuite(
        name=suite.check_name,
        expectations=[getattr(gx.expectations, e.type)(**e.kwargs) for e in suite.expectations],
    )
    result = batch.validate(expectation_suite, result_format="SUMMARY")
    failures = []
    for r in result.results:
        if r.success:
            continue
        details = r.result or {}
        failures.append(
            {
                "expectation": r.expectation_config.type,
                "column": r.expectation_config.kwargs.get("column"),
                "unexpected_count": details.get("unexpected_count"),
                "sample": [_plain(v) for v in (details.get("partial_unexpected_list") or [])][
                    :SAMPLE
                ],
                "observed": _plain(details.get("observed_value")),
                "error": (r.exception_info or {}).get("exception_message")
                if isinstance(r.exception_info, dict)
                else None,
            }
        )
    return SuiteResult(not failures, len(frame), len(result.results), failures)


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


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
