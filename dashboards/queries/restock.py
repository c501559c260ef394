"""The restock plan the nightly run publishes: recommendations, transfers, supplier scorecard.

Columns as ``ml.inventory.plan`` writes them (RECOMMENDATION_COLUMNS, TRANSFER_DETAIL_COLUMNS).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.ml_columns import Resolved, resolve, star_except
from dashboards.warehouse import columns, query

RECOMMENDATIONS = "fct_restock_recommendations"
TRANSFERS = "fct_transfer_suggestions"
SCORECARD = "fct_supplier_scorecard"

FROM_DIMENSIONS = (
    "store_code",
    "store_name",
    "region",
    "sku",
    "product_name",
    "department_name",
    "category_name",
    "supplier_name",
)
TRANSFER_DIMENSIONS = (*FROM_DIMENSIONS, "from_store_code", "to_store_code")
URGENT, SOON, NORMAL = "Urgente", "Pronto", "Normal"
SOON_DAYS = 14

RECOMMENDATION_ROLES = {
    "priority_rank": ("priority_rank",),
    "store_id": ("store_id",),
    "product_id": ("product_id",),
    "order_qty": ("order_qty",),
    "why": ("why",),
}
TRANSFER_ROLES = {
    "product_id": ("product_id",),
    "from_store_id": ("from_store_id",),
    "to_store_id": ("to_store_id",),
    "transfer_qty": ("transfer_qty",),
}


def recommendations_table() -> Resolved:
    return resolve(RECOMMENDATIONS, RECOMMENDATION_ROLES)


def transfers_table() -> Resolved:
    return resolve(TRANSFERS, TRANSFER_ROLES)


def scorecard_table() -> Resolved:
    return resolve(SCORECARD, {"supplier_id": ("supplier_id",)})


def _place_and_product(filters: Filters, alias: str) -> tuple[str, list]:
    """Region, store, department and category filters over a table keyed by store and product."""
    clauses, params = [], []
    columns = {
        "regions": "s.region",
        "stores": "s.store_code",
        "departments": "p.department_name",
        "categories": "p.category_name",
    }
    for name, column in columns.items():
        values = getattr(filters, name)
        if values:
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    return (" and ".join(clauses) or "true"), params


def suppliers() -> pd.DataFrame:
    return query("select supplier_id, supplier_ruc, min_order_pen from marts.dim_supplier")


@dataclass(frozen=True)
class PlanChoice:
    """What Reposición's own controls keep of the plan (beside the shared filters)."""

    suppliers: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    only_orders: bool = False


def _urgency() -> str:
    """Each recommendation's urgency: runs out before a delivery could arrive, urgent; runs out
    within 14 days, soon; else normal (columns the table lacks count as not said)."""
    have = columns("ml", RECOMMENDATIONS)
    cases = []
    if "runs_out_before_delivery" in have:
        cases.append(f"when coalesce(r.runs_out_before_delivery, false) then '{URGENT}'")
    if "projected_stockout_date" in have and "as_of_date" in have:
        cases.append(f"when r.projected_stockout_date - r.as_of_date <= {SOON_DAYS} then '{SOON}'")
    return f"case {' '.join(cases)} else '{NORMAL}' end" if cases else f"'{NORMAL}'"


def _plan_where(filters: Filters | None, choice: PlanChoice) -> tuple[str, list]:
    """The shared filters and the page's choices as SQL (never a whole plan to pandas: a medium
    chain's plan is 41,000 rows with their ``why`` texts)."""
    where, params = _place_and_product(filters, "r") if filters else ("true", [])
    clauses = [where]
    if choice.suppliers:
        clauses.append(f"p.supplier_name in ({', '.join('?' for _ in choice.suppliers)})")
        params = [*params, *choice.suppliers]
    if choice.urgencies:
        clauses.append(f"({_urgency()}) in ({', '.join('?' for _ in choice.urgencies)})")
        params = [*params, *choice.urgencies]
    if choice.only_orders:
        clauses.append("r.order_qty > 0")
    return " and ".join(clauses), params


PLAN_JOINS = """
        from ml.fct_restock_recommendations r
        join marts.dim_store s on s.store_id = r.store_id
        join marts.dim_product p on p.product_id = r.product_id"""


def recommendations(
    filters: Filters | None,
    choice: PlanChoice = PlanChoice(),
    *,
    limit: int | None = None,
    shown: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The recommendations the filters and choices keep, by priority, with their urgency; the
    first ``limit`` of them when given, and only the plan's columns named in ``shown`` (a
    table of 500 rows needs a dozen of the plan's 55 columns)."""
    where, params = _plan_where(filters, choice)
    if shown is None:
        own = star_except(RECOMMENDATIONS, "r", FROM_DIMENSIONS)
    else:
        have = columns("ml", RECOMMENDATIONS)
        wanted = ("priority_rank", *shown)
        own = ", ".join(
            f"r.{c}" for c in dict.fromkeys(wanted) if c in have and c not in FROM_DIMENSIONS
        )
    return query(
        f"""
        select {own},
            s.store_code, s.store_name, s.region, p.sku, p.product_name, p.department_name,
            p.category_name, p.supplier_name, {_urgency()} as urgency
        {PLAN_JOINS}
        where {where}
        order by r.priority_rank
        {"limit ?" if limit is not None else ""}
        """,
        [*params, *([limit] if limit is not None else [])],
    )


def plan_totals(filters: Filters | None, choice: PlanChoice = PlanChoice()) -> dict:
    """Lines, urgent lines, value to order and margin at risk of what the filters keep."""
    have = columns("ml", RECOMMENDATIONS)
    money = {
        name: f"coalesce(sum(r.{name}), 0)" if name in have else "null"
        for name in ("order_value_pen", "margin_at_risk_pen")
    }
    where, params = _plan_where(filters, choice)
    row = query(
        f"""
        select count(*) as lines, count(*) filter (where {_urgency()} = '{URGENT}') as urgent,
            {money["order_value_pen"]} as order_value_pen,
            {money["margin_at_risk_pen"]} as margin_at_risk_pen
        {PLAN_JOINS}
        where {where}
        """,
        params,
    ).iloc[0]
    return {name: (None if pd.isna(value) else value) for name, value in row.items()}


def plan_suppliers(filters: Filters) -> list[str]:
    """The suppliers of the recommendations the shared filters keep, by name."""
    where, params = _plan_where(filters, PlanChoice())
    frame = query(
        f"select distinct p.supplier_name {PLAN_JOINS} "
        f"where {where} and p.supplier_name is not null order by 1",
        params,
    )
    return frame["supplier_name"].tolist()


def plan_as_of():
    """The day the plan was computed for (None: no such column or no rows)."""
    if "as_of_date" not in columns("ml", RECOMMENDATIONS):
        return None
    day = query(f"select max(as_of_date) as day from ml.{RECOMMENDATIONS}").iloc[0]["day"]
    return None if pd.isna(day) else day


def ordering_suppliers(from_supplier: str) -> pd.Series:
    """Supplier names by id of those the plan orders from (a line with a quantity, bought from
    the supplier rather than moved from the warehouse), by name."""
    source = (
        f"coalesce(r.replenished_from, '{from_supplier}')"
        if "replenished_from" in columns("ml", RECOMMENDATIONS)
        else f"'{from_supplier}'"
    )
    frame = query(
        f"""
        select r.supplier_id, min(p.supplier_name) as supplier_name
        {PLAN_JOINS}
        where r.order_qty > 0 and {source} = ?
        group by r.supplier_id
        order by supplier_name, r.supplier_id
        """,
        [from_supplier],
    )
    return frame.set_index("supplier_id")["supplier_name"]


def supplier_plan(supplier_id: int) -> pd.DataFrame:
    """Every recommendation of one supplier, as the nightly export reads them."""
    return query(
        f"""
        select {star_except(RECOMMENDATIONS, "r", FROM_DIMENSIONS)},
            s.store_code, s.store_name, s.region, p.sku, p.product_name, p.department_name,
            p.category_name, p.supplier_name
        {PLAN_JOINS}
        where r.supplier_id = ?
        order by r.priority_rank
        """,
        [supplier_id],
    )


def projected_stockouts(filters: Filters, *, limit: int) -> pd.DataFrame:
    """The first ``limit`` recommendations with a projected stockout, soonest first, with the
    columns Salud del stock shows and how many there are in all (``total``)."""
    have = columns("ml", RECOMMENDATIONS)
    if "projected_stockout_date" not in have:
        return pd.DataFrame()
    shown = [c for c in ("on_hand_qty", "days_of_cover", "order_qty") if c in have]
    where, params = _plan_where(filters, PlanChoice())
    return query(
        f"""
        select r.projected_stockout_date, {_urgency()} as urgency, s.store_code, p.sku,
            p.product_name, {", ".join(f"r.{c}" for c in shown)},
            count(*) over () as total
        {PLAN_JOINS}
        where {where} and r.projected_stockout_date is not null
        order by r.projected_stockout_date, r.priority_rank
        limit ?
        """,
        [*params, limit],
    )


def transfers(filters: Filters) -> pd.DataFrame:
    where, params = _place_and_product(filters, "t")
    where = where.replace("s.", "dest.")
    return query(
        f"""
        select {star_except(TRANSFERS, "t", TRANSFER_DIMENSIONS)},
            p.sku, p.product_name, p.category_name,
            src.store_code || ' · ' || src.store_name as from_store,
            dest.store_code || ' · ' || dest.store_name as to_store
        from ml.{TRANSFERS} t
        join marts.dim_product p on p.product_id = t.product_id
        join marts.dim_store src on src.store_id = t.from_store_id
        join marts.dim_store dest on dest.store_id = t.to_store_id
        where {where}
        order by t.transfer_qty desc
        """,
        params,
    )


def scorecard() -> pd.DataFrame:
    return query(
        f"""
        select d.supplier_name, d.supplier_ruc,
            {star_except(SCORECARD, "c", ("supplier_name", "supplier_ruc"))}
        from ml.{SCORECARD} c
        left join marts.dim_supplier d using (supplier_id)
        order by d.supplier_name
        """
    )
