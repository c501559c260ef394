"""Profitability by product, category, supplier, customer segment and store, with ABC classes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.scope import MEASURES, sales_scope
from dashboards.warehouse import has_table, query

A_SHARE, B_SHARE = 0.80, 0.95


@dataclass(frozen=True)
class Dimension:
    """How lines group into members: by ids, the label built once per group (a label
    concatenated on every line cost half the query on a medium chain)."""

    title: str
    group_sql: str | None  # what the lines are grouped by (None: the customer segment)
    keys: str  # the grouping columns as the groups name them (left out of the result)
    label_sql: str  # the member's label, from the groups ``g`` and ``label_join``
    label_join: str = ""


DIMENSIONS = {
    "product": Dimension(
        "Producto",
        "l.product_id",
        "product_id",
        "d.sku || ' · ' || d.product_name",
        "join marts.dim_product d using (product_id)",
    ),
    "category": Dimension(
        "Categoría",
        "p.department_name, p.category_name",
        "department_name, category_name",
        "g.department_name || ' / ' || g.category_name",
    ),
    "supplier": Dimension(
        "Proveedor",
        "coalesce(p.supplier_name, 'Sin proveedor') as supplier_label",
        "supplier_label",
        "g.supplier_label",
    ),
    "segment": Dimension("Segmento de clientes", None, "segment_label", "g.segment_label"),
    "store": Dimension(
        "Tienda",
        "l.store_id",
        "store_id",
        "d.store_code || ' · ' || d.store_name",
        "join marts.dim_store d using (store_id)",
    ),
}


def _segment_sql() -> tuple[str, str, str]:
    """The customer-segment label and its join: the model's segments when published, else the
    customer's kind (company, person, anonymous)."""
    if has_table("ml", "fct_customer_segments") and has_table("ml", "dim_segment"):
        from dashboards.queries.customers import segment_join

        return segment_join()
    return (
        "left join marts.dim_customer cu on cu.customer_id = l.customer_id",
        "case when l.customer_id is null then 'Cliente anónimo' "
        "when cu.is_business then 'Empresa (RUC)' else 'Persona identificada' end",
        "tipo de cliente (aún no hay segmentos del modelo publicados)",
    )


def by_dimension(filters: Filters, dimension: str) -> tuple[pd.DataFrame, str | None]:
    """Measures per member, largest margin first, with contribution, cumulative share and ABC.

    Returns the frame and, for segments, a note on what the segments are.
    """
    scope = sales_scope(filters)
    spec = DIMENSIONS[dimension]
    group_sql, join, note = spec.group_sql, "", None
    if group_sql is None:
        join, segment_label, note = _segment_sql()
        group_sql = f"{segment_label} as segment_label"
    frame = query(
        f"""
        with g as (
            select {group_sql}, {MEASURES}
            from {scope.from_sql} {join}
            where {scope.where_sql}
            group by all
        )
        select {spec.label_sql} as member_label, g.* exclude ({spec.keys})
        from g {spec.label_join}
        order by margin_pen desc, member_label
        """,
        scope.params,
    )
    return add_shares(frame), note


def add_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Margin %, contribution to total margin, cumulative share (Pareto) and ABC class."""
    frame = frame.copy()
    frame["margin_pct"] = frame["margin_pen"] / frame["net_sales_pen"].where(
        frame["net_sales_pen"] != 0
    )
    total = float(frame["margin_pen"].sum())
    frame["contribution"] = frame["margin_pen"] / total if total else float("nan")
    positive = frame["margin_pen"].clip(lower=0)
    positive_total = float(positive.sum())
    frame["cumulative_share"] = positive.cumsum() / positive_total if positive_total else 0.0
    previous = frame["cumulative_share"].shift(fill_value=0.0)
    frame["abc_class"] = "C"
    frame.loc[previous < B_SHARE, "abc_class"] = "B"
    frame.loc[previous < A_SHARE, "abc_class"] = "A"
    frame.loc[frame["margin_pen"] <= 0, "abc_class"] = "C"
    return frame
