"""The forecast tables the models publish (``ml.fct_forecast``, ``ml.fct_forecast_accuracy``,
and ``ml.fct_forecast_sales``: the forecast valued in soles, which the pages read when it is there).

Their columns are read by role, from the names the contract allows, so a renamed column shows
as a clear message rather than a traceback.
"""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.ml_columns import Resolved, resolve
from dashboards.warehouse import query
from pipelines.forecast_sales import DETAIL_LEVEL, UNIT_PRICES

FORECAST = "fct_forecast"
ACCURACY = "fct_forecast_accuracy"
VALUED = "fct_forecast_sales"  # the nightly's forecast valued per store × category × day

FORECAST_ROLES = {
    "day": ("week_start_date", "forecast_date", "date_day", "ds"),
    "store_id": ("store_id",),
    "category": ("category_name", "category_id"),
    "forecast": (
        "net_sales_p50_pen",
        "p50_net_sales_pen",
        "net_sales_pen",
        "forecast_net_sales_pen",
        "forecast_pen",
        "p50",
    ),
    "p10": ("net_sales_p10_pen", "p10_net_sales_pen", "p10_pen", "p10"),
    "p90": ("net_sales_p90_pen", "p90_net_sales_pen", "p90_pen", "p90"),
}
FORECAST_OPTIONAL = {
    "margin": (
        "margin_p50_pen",
        "margin_pen",
        "forecast_margin_pen",
        "projected_margin_pen",
    ),
}


def forecast_table() -> Resolved:
    return resolve(FORECAST, FORECAST_ROLES, FORECAST_OPTIONAL)


def _category_join(table: Resolved) -> tuple[str, str]:
    """SQL to get the category name whatever the table keys it by."""
    column = table.columns["category"]
    if column == "category_name":
        return "", "f.category_name"
    return (
        "left join (select distinct category_id, category_name from marts.dim_product) c "
        f"on c.category_id = f.{column}",
        "c.category_name",
    )


def _in_units(table: Resolved) -> bool:
    """The nightly forecast holds units per product, store and day (``level``, p10/p50/p90)."""
    from dashboards.warehouse import columns

    have = columns("ml", FORECAST)
    return "level" in have and "product_id" in have and table.columns["forecast"] == "p50"


def _valued_by(filters: Filters, group: tuple[str, ...], after) -> pd.DataFrame:
    """Units forecast per product and store, valued at the product's recent net price and margin
    per unit in that store, summed per ``group``."""
    clauses, params = ["f.level = ?"], [DETAIL_LEVEL]
    if after is not None:
        clauses.append("f.ds > ?")
        params.append(after)
    for name, column in (
        ("regions", "s.region"),
        ("stores", "s.store_code"),
        ("departments", "p.department_name"),
        ("categories", "p.category_name"),
    ):
        values = getattr(filters, name)
        if values:
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    keys = {
        "day": "f.ds::date as date_day",
        "store": "s.store_code || ' · ' || s.store_name as store",
        "category": "p.category_name as category",
    }
    last = _last_sales_day()
    return query(
        f"""
        with price as ({UNIT_PRICES})
        select {", ".join(keys[g] for g in group)},
            sum(f.p50 * pr.unit_net_pen) as forecast_pen,
            sum(f.p10 * pr.unit_net_pen) as p10_pen,
            sum(f.p90 * pr.unit_net_pen) as p90_pen,
            sum(f.p50 * pr.unit_margin_pen) as margin_pen
        from ml.{FORECAST} f
        join marts.dim_store s on s.store_id = f.store_id
        join marts.dim_product p on p.product_id = f.product_id
        left join price pr on pr.store_id = f.store_id and pr.product_id = f.product_id
        where {" and ".join(clauses)}
        group by all
        order by all
        """,
        [last, last, *params],
    )


def _last_sales_day():
    """The daily sales' last day, read on its own: as a constant in the price window it lets
    DuckDB skip the older row groups (half the valuation's time on a medium chain)."""
    day = query("select max(date_day) as day from marts.fct_daily_sales").iloc[0]["day"]
    return None if pd.isna(day) else pd.Timestamp(day).date()


def valued_table() -> Resolved | None:
    """``ml.fct_forecast_sales`` when it values the forecast now published (the nightly writes
    it right after the forecast; a snapshot from before it existed falls back to valuing the
    units when a page opens, 2.1M rows on a medium chain)."""
    from dashboards.warehouse import columns

    have = columns("ml", VALUED)
    if "model_version" not in have:
        return None
    table = resolve(VALUED, FORECAST_ROLES, FORECAST_OPTIONAL)
    if not table.usable:
        return None
    valued = query(f"select model_version from ml.{VALUED} limit 1").iloc[0]["model_version"]
    forecast = query(
        f"select model_version from ml.{FORECAST} where level = ? limit 1", [DETAIL_LEVEL]
    )
    if forecast.empty or forecast.iloc[0]["model_version"] != valued:
        return None
    return table


def forecast_by(filters: Filters, group: tuple[str, ...] = ("day",), *, after=None) -> pd.DataFrame:
    """Forecast, band and projected margin summed per ``group`` (day, store, category), for
    the stores and categories the filters keep."""
    table = forecast_table()
    if _in_units(table):
        valued = valued_table()
        if valued is None:
            return _valued_by(filters, group, after)
        table = valued
    return _summed_by(table, filters, group, after)


def _summed_by(table: Resolved, filters: Filters, group: tuple[str, ...], after) -> pd.DataFrame:
    """A forecast table already in soles, keyed by store and category, summed per ``group``."""
    c = table.columns
    join, category = _category_join(table)
    clauses, params = ["true"], []
    if after is not None:
        clauses.append(f"f.{c['day']} > ?")
        params.append(after)
    for name, column in (("regions", "s.region"), ("stores", "s.store_code")):
        values = getattr(filters, name)
        if values:
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    if filters.categories:
        clauses.append(f"{category} in ({', '.join('?' for _ in filters.categories)})")
        params.extend(filters.categories)
    if filters.departments:
        clauses.append(
            f"{category} in (select category_name from marts.dim_product where department_name "
            f"in ({', '.join('?' for _ in filters.departments)}))"
        )
        params.extend(filters.departments)
    keys = {
        "day": f"f.{c['day']}::date as date_day",
        "store": "s.store_code || ' · ' || s.store_name as store",
        "category": f"{category} as category",
    }
    margin = f"sum(f.{c['margin']})" if "margin" in c else "null"
    selected = ", ".join(keys[g] for g in group)
    return query(
        f"""
        select {selected},
            sum(f.{c["forecast"]}) as forecast_pen,
            sum(f.{c["p10"]}) as p10_pen,
            sum(f.{c["p90"]}) as p90_pen,
            {margin} as margin_pen
        from ml.{table.table} f
        join marts.dim_store s on s.store_id = f.{c["store_id"]}
        {join}
        where {" and ".join(clauses)}
        group by all
        order by all
        """,
        params,
    )


def accuracy() -> pd.DataFrame:
    """The backtest's accuracy per model, chain-wide when the table also holds finer levels."""
    from dashboards.warehouse import columns

    if "level" in columns("ml", ACCURACY):
        return query(f"select * exclude (level) from ml.{ACCURACY} where level = 'all'")
    return query(f"select * from ml.{ACCURACY}")


def accuracy_table() -> Resolved:
    return resolve(ACCURACY, {}, {"wape": ("wape",), "mase": ("mase",)})
