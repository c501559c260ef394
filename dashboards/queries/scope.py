"""The WHERE clause every sales query shares: the shared filters plus a drill-down path.

One builder, used by every level of every page, is what keeps a drill to detail from forgetting
a filter. Column aliases: ``l`` sales lines, ``s`` dim_store, ``p`` dim_product, ``t`` the
ticket's header (payment method).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboards.filters import Filters

# Drill-down levels, top to bottom: key, the column that identifies a member, its label.
TICKET_KEY = "case when l.is_return then 'R-' || l.return_id else 'S-' || l.sale_id end"
LEVEL_COLUMNS = {
    "region": ("s.region", "s.region"),
    "store": ("s.store_code", "s.store_code || ' · ' || s.store_name"),
    "department": ("p.department_name", "p.department_name"),
    "category": ("p.category_name", "p.category_name"),
    "product": ("p.sku", "p.sku || ' · ' || p.product_name"),
    "ticket": (
        TICKET_KEY,
        "l.document_serie || '-' || lpad(l.document_number::varchar, 8, '0')",
    ),
}

_FILTER_COLUMNS = {
    "regions": "s.region",
    "stores": "s.store_code",
    "departments": "p.department_name",
    "categories": "p.category_name",
    "channels": "l.channel",
    "payments": "t.main_payment_method_code",
}

SALES_FROM = """
    marts.fct_sales_lines l
    join marts.dim_store s on s.store_id = l.store_id
    join marts.dim_product p on p.product_id = l.product_id
"""
PAYMENT_JOIN = """
    left join (
        select sale_id, main_payment_method_code
        from marts.fct_customer_transactions
        where transaction_type = 'sale'
    ) t on t.sale_id = l.sale_id
"""

MEASURES = """
    coalesce(sum(l.net_sales_pen), 0) as net_sales_pen,
    coalesce(sum(l.cost_pen), 0) as cost_pen,
    coalesce(sum(l.margin_pen), 0) as margin_pen,
    count(distinct l.sale_id) filter (where not l.is_return) as tickets_count,
    coalesce(sum(l.units_qty), 0) as units_qty
"""


def ticket_filter(member: str) -> tuple[str, list]:
    """The lines of one ticket (``S-<sale_id>`` or ``R-<return_id>``), as a condition on the
    ids themselves: DuckDB can skip row groups on them, never on the ``TICKET_KEY`` expression."""
    kind, _, number = member.partition("-")
    if kind in ("S", "R") and number.isdigit():
        if kind == "S":
            return "(not l.is_return and l.sale_id = ?)", [int(number)]
        return "(l.is_return and l.return_id = ?)", [int(number)]
    return f"{TICKET_KEY} = ?", [member]


@dataclass(frozen=True)
class Scope:
    """A FROM and WHERE ready to splice, with its parameters in order."""

    from_sql: str
    where_sql: str
    params: list


def sales_scope(
    filters: Filters,
    path: Mapping[str, str] | None = None,
    date_column: str = "l.transaction_date",
) -> Scope:
    clauses = [f"{date_column} between ? and ?"]
    params: list = [filters.start, filters.end]
    for name, column in _FILTER_COLUMNS.items():
        values = getattr(filters, name)
        if values:
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    for level, member in (path or {}).items():
        if level == "ticket":
            clause, values = ticket_filter(member)
            clauses.append(clause)
            params.extend(values)
            continue
        clauses.append(f"{LEVEL_COLUMNS[level][0]} = ?")
        params.append(member)
    from_sql = SALES_FROM + (PAYMENT_JOIN if filters.payments else "")
    return Scope(from_sql, " and ".join(clauses), params)


def store_scope(filters: Filters, path: Mapping[str, str] | None = None) -> Scope:
    """Filters that make sense for stock (place and product, no channel or payment)."""
    clauses, params = ["true"], []
    for name in ("regions", "stores", "departments", "categories"):
        values = getattr(filters, name)
        if values:
            column = _FILTER_COLUMNS[name]
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    for level, member in (path or {}).items():
        if level == "ticket":
            continue
        clauses.append(f"{LEVEL_COLUMNS[level][0]} = ?")
        params.append(member)
    return Scope("", " and ".join(clauses), params)
