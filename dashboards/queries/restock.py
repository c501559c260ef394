"""The restock plan the nightly run publishes: recommendations, transfers, supplier scorecard.

Columns as ``ml.inventory.plan`` writes them (RECOMMENDATION_COLUMNS, TRANSFER_DETAIL_COLUMNS).
"""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.ml_columns import Resolved, resolve, star_except
from dashboards.warehouse import query

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


def recommendations(filters: Filters | None) -> pd.DataFrame:
    """Every recommendation in the shared filters' stores and categories, by priority, with its
    urgency (runs out before a delivery could arrive: urgent; within 14 days: soon)."""
    where, params = _place_and_product(filters, "r") if filters else ("true", [])
    frame = query(
        f"""
        select {star_except(RECOMMENDATIONS, "r", FROM_DIMENSIONS)},
            s.store_code, s.store_name, s.region, p.sku, p.product_name, p.department_name,
            p.category_name, p.supplier_name
        from ml.{RECOMMENDATIONS} r
        join marts.dim_store s on s.store_id = r.store_id
        join marts.dim_product p on p.product_id = r.product_id
        where {where}
        order by r.priority_rank
        """,
        params,
    )
    return with_urgency(frame)


def with_urgency(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    urgency = pd.Series(NORMAL, index=frame.index)
    if "projected_stockout_date" in frame and "as_of_date" in frame:
        days = (
            pd.to_datetime(frame["projected_stockout_date"]) - pd.to_datetime(frame["as_of_date"])
        ).dt.days
        urgency[days.notna() & (days <= SOON_DAYS)] = SOON
    if "runs_out_before_delivery" in frame:
        urgency[frame["runs_out_before_delivery"].fillna(False).astype(bool)] = URGENT
    frame["urgency"] = urgency
    return frame


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
