"""The drill-down: chain → region → store → department → category → product → ticket → lines.

Every level is the same measures over the same scope (shared filters plus the path so far), so
the members of a level always add up to their parent.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.sales import with_ratios
from dashboards.queries.scope import (
    LEVEL_COLUMNS,
    MEASURES,
    sales_scope,
    store_scope,
    ticket_filter,
)
from dashboards.warehouse import query

LEVELS = ("region", "store", "department", "category", "product", "ticket")
LEVEL_NAMES = {
    "chain": "Cadena",
    "region": "Región",
    "store": "Tienda",
    "department": "Departamento",
    "category": "Categoría",
    "product": "Producto",
    "ticket": "Ticket",
}


def next_level(path: Mapping[str, str]) -> str | None:
    """The level below the path's deepest member (None: a ticket, its lines are the bottom)."""
    for level in LEVELS:
        if level not in path:
            return level
    return None


def member_label(level: str, member: str) -> str:
    """How a member reads in the breadcrumb, the same text its row shows one level up.

    Read from the dimensions (a ticket from its lines), so a drill opened from a link names
    its members as a clicked one does; a key the snapshot no longer has reads as itself.
    """
    key, label = LEVEL_COLUMNS[level]
    if level in ("region", "department", "category"):
        return member
    if level == "store":
        sql = f"select min({label}) from marts.dim_store s where {key} = ?"
        params: list = [member]
    elif level == "product":
        sql = f"select min({label}) from marts.dim_product p where {key} = ?"
        params = [member]
    else:
        where, params = ticket_filter(member)
        sql = f"select min({label}) from marts.fct_sales_lines l where {where}"
    found = query(sql, params).iloc[0, 0]
    return member if found is None or found != found else str(found)


def path_labels(path: Mapping[str, str]) -> dict[str, str]:
    """The breadcrumb's text for every member of the path."""
    return {level: member_label(level, member) for level, member in path.items()}


def totals(filters: Filters, path: Mapping[str, str]) -> dict[str, float]:
    scope = sales_scope(filters, path)
    frame = query(f"select {MEASURES} from {scope.from_sql} where {scope.where_sql}", scope.params)
    return with_ratios({name: float(frame.iloc[0][name]) for name in frame.columns})


def members(filters: Filters, path: Mapping[str, str], level: str) -> pd.DataFrame:
    """One row per member of ``level`` under ``path``: key, label and the measures."""
    key, label = LEVEL_COLUMNS[level]
    scope = sales_scope(filters, path)
    extra = ", min(l.transacted_at) as transacted_at" if level == "ticket" else ""
    frame = query(
        f"""
        select {key} as member_key, min({label}) as member_label, {MEASURES}{extra}
        from {scope.from_sql}
        where {scope.where_sql}
        group by 1
        order by net_sales_pen desc, member_key
        """,
        scope.params,
    )
    frame["margin_pct"] = frame["margin_pen"] / frame["net_sales_pen"].where(
        frame["net_sales_pen"] != 0
    )
    return frame


def ticket_lines(filters: Filters, path: Mapping[str, str], *, whole: bool) -> pd.DataFrame:
    """A ticket's lines: those in the drill's scope, or (``whole``) every line of the ticket."""
    ticket = path["ticket"]
    if whole:
        scope_sql, params = ticket_filter(ticket)
        from_sql = sales_scope(filters).from_sql
    else:
        scope = sales_scope(filters, path)
        scope_sql, params, from_sql = scope.where_sql, scope.params, scope.from_sql
    return query(
        f"""
        select l.transacted_at, s.store_code, l.line_number, p.sku, p.product_name,
            l.line_type, l.units_qty, l.unit_price_pen, l.discount_pen, l.net_sales_pen,
            l.igv_pen, l.total_with_igv_pen, l.cost_pen, l.margin_pen
        from {from_sql}
        where {scope_sql}
        order by l.line_number
        """,
        params,
    )


def kardex(filters: Filters, path: Mapping[str, str], limit: int = 500) -> pd.DataFrame:
    """The product's kardex rows in the period, in the stores the filters and path keep."""
    scope = store_scope(filters, path)
    return query(
        f"""
        select k.moved_at, k.movement_date, s.store_code, k.operation_type, k.operation_name,
            k.document_type, k.document_serie, k.document_number,
            k.in_qty, k.in_unit_cost_pen, k.in_value_pen,
            k.out_qty, k.out_unit_cost_pen, k.out_value_pen,
            k.balance_qty, k.balance_unit_cost_pen, k.balance_value_pen
        from marts.fct_inventory_movements k
        join marts.dim_store s on s.store_id = k.store_id
        join marts.dim_product p on p.product_id = k.product_id
        where k.movement_date between ? and ? and {scope.where_sql}
        order by s.store_code, k.moved_at, k.kardex_id
        limit {int(limit)}
        """,
        [filters.start, filters.end, *scope.params],
    )
