"""Customer segments, value and recommendations the nightly run publishes (``ml.*``), joined to
the marts by the customer's id or pseudonym (the only identity the warehouse holds)."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.ml_columns import Resolved, resolve
from dashboards.warehouse import columns, query

SEGMENTS = "fct_customer_segments"
SEGMENT_DIM = "dim_segment"
VALUE = "fct_customer_value"
ASSOCIATIONS = "fct_product_associations"
RECOMMENDATIONS = "fct_customer_recommendations"


def segments_table() -> Resolved:
    return resolve(
        SEGMENTS,
        {"segment_id": ("segment_id",), "segment_name": ("segment_name",)},
        {
            "customer_id": ("customer_id",),
            "pseudonym": ("customer_pseudonym",),
            "is_outlier": ("is_outlier",),
            "dbscan_label": ("dbscan_label",),
        },
    )


def segment_dim_table() -> Resolved:
    return resolve(SEGMENT_DIM, {"segment_id": ("segment_id",)})


def associations_table() -> Resolved:
    return resolve(
        ASSOCIATIONS,
        {
            "antecedent": ("antecedent_product_id", "product_id", "product_a_id"),
            "consequent": (
                "consequent_product_id",
                "complement_id",
                "associated_product_id",
                "recommended_product_id",
                "product_b_id",
            ),
        },
        {"support": ("support",), "confidence": ("confidence",), "lift": ("lift",)},
    )


def recommendations_table() -> Resolved:
    return resolve(
        RECOMMENDATIONS,
        {
            "customer": ("customer_pseudonym", "customer_id"),
            "rank": ("rank", "recommendation_rank"),
        },
        {"product_id": ("product_id",), "product_name": ("product_name",), "score": ("score",)},
    )


def _customer_key() -> tuple[str, str]:
    """How segments meet the marts: (join condition on dim_customer ``cu``, key expression)."""
    have = columns("ml", SEGMENTS)
    if "customer_id" in have:
        return "cu.customer_id = cs.customer_id", "cs.customer_id"
    return "cu.customer_pseudonym = cs.customer_pseudonym", "cs.customer_pseudonym"


def segment_join() -> tuple[str, str, str]:
    """For sales lines ``l``: a join to the segments and the segment label (profitability)."""
    condition, _ = _customer_key()
    join = (
        "left join marts.dim_customer cu on cu.customer_id = l.customer_id "
        f"left join ml.{SEGMENTS} cs on {condition}"
    )
    label = (
        "coalesce(cs.segment_name, case when l.customer_id is null then 'Cliente anónimo' "
        "else 'Sin segmento' end)"
    )
    return join, label, "segmentos K-means del modelo de clientes"


def segment_summary() -> pd.DataFrame:
    """Per segment: size, consenting customers, the model's profile and value figures."""
    condition, _ = _customer_key()
    dim_cols = columns("ml", SEGMENT_DIM)
    extra = [
        f"any_value(d.{c}) as {c}"
        for c in (
            "profile",
            "share_of_customers",
            "monetary_pen",
            "share_of_value",
            "spend_last_90d",
            "spend_previous_90d",
            "trend_pct",
            "size_change",
            "mean_p_alive",
            "expected_spend",
            "suggested_campaign",
        )
        if c in dim_cols
    ]
    join_dim = f"left join ml.{SEGMENT_DIM} d on d.segment_id = cs.segment_id" if dim_cols else ""
    return query(
        f"""
        select cs.segment_id, cs.segment_name,
            count(*) as customers_count,
            count(*) filter (where cu.is_marketable) as marketable_count
            {"".join(", " + e for e in extra)}
        from ml.{SEGMENTS} cs
        left join marts.dim_customer cu on {condition}
        {join_dim}
        group by cs.segment_id, cs.segment_name
        order by customers_count desc
        """
    )


def outliers_by_segment() -> pd.DataFrame:
    """DBSCAN beside K-means: how many of each segment's customers DBSCAN calls outliers."""
    if "is_outlier" not in columns("ml", SEGMENTS):
        return pd.DataFrame(columns=["segment_name", "customers_count", "outliers_count"])
    return query(
        f"""
        select segment_name, count(*) as customers_count,
            count(*) filter (where is_outlier) as outliers_count
        from ml.{SEGMENTS} group by 1 order by 1
        """
    )


def segment_customers(segment_id, limit: int = 500) -> pd.DataFrame:
    """A segment's customers by pseudonym, with their purchases and the model's value."""
    condition, _ = _customer_key()
    value_cols = columns("ml", VALUE)
    value_join, value_sel = "", ""
    if "customer_id" in value_cols:
        value_join = f"left join ml.{VALUE} v on v.customer_id = cu.customer_id"
        value_sel = "".join(
            f", v.{c}"
            for c in ("p_alive", "expected_purchases", "expected_spend")
            if c in value_cols
        )
    return query(
        f"""
        select cu.customer_pseudonym, cu.is_business, cu.is_marketable,
            cu.first_purchase_date, cu.last_purchase_date, cu.purchases_count,
            coalesce(m.net_sales_pen, 0) as net_sales_pen,
            coalesce(m.margin_pen, 0) as margin_pen
            {value_sel}
        from ml.{SEGMENTS} cs
        join marts.dim_customer cu on {condition}
        left join (
            select customer_id, sum(net_sales_pen) as net_sales_pen, sum(margin_pen) as margin_pen
            from marts.mart_profitability_customer_monthly group by 1
        ) m on m.customer_id = cu.customer_id
        {value_join}
        where cs.segment_id = ?
        order by net_sales_pen desc
        limit {int(limit)}
        """,
        [segment_id],
    )


def customer_history(pseudonym: str) -> pd.DataFrame:
    """The customer's tickets and returns, newest first (found by id: comparing 1.8M integers
    takes half the time of comparing as many pseudonyms)."""
    return query(
        """
        select t.transacted_at, t.transaction_type, s.store_code, t.lines_count, t.units_qty,
            t.net_sales_pen, t.margin_pen, t.main_payment_method_code
        from marts.fct_customer_transactions t
        join marts.dim_store s using (store_id)
        where t.customer_id in (
            select customer_id from marts.dim_customer where customer_pseudonym = ?
        )
        order by t.transacted_at desc
        """,
        [pseudonym],
    )


def associations(table: Resolved, limit: int = 200) -> pd.DataFrame:
    c = table.columns
    metrics = "".join(f", a.{c[m]} as {m}" for m in ("support", "confidence", "lift") if m in c)
    order = "lift" if "lift" in c else ("confidence" if "confidence" in c else "antecedent_sku")
    return query(
        f"""
        select pa.sku as antecedent_sku, pa.product_name as antecedent_name,
            pc.sku as consequent_sku, pc.product_name as consequent_name {metrics}
        from ml.{ASSOCIATIONS} a
        join marts.dim_product pa on pa.product_id = a.{c["antecedent"]}
        join marts.dim_product pc on pc.product_id = a.{c["consequent"]}
        order by {order} desc
        limit {int(limit)}
        """
    )


def recommended_customers(table: Resolved) -> list[str]:
    key = table.columns["customer"]
    return query(
        f"select distinct {key}::varchar as customer from ml.{RECOMMENDATIONS} "
        "order by 1 limit 5000"
    )["customer"].tolist()


def recommendations_for(table: Resolved, customer: str) -> pd.DataFrame:
    c = table.columns
    if "product_name" in c:
        name = f"r.{c['product_name']}"
    else:
        name = "p.product_name" if "product_id" in c else "null"
    join = (
        f"left join marts.dim_product p on p.product_id = r.{c['product_id']}"
        if "product_id" in c
        else ""
    )
    sku = "p.sku" if join else "null"
    score = f", r.{c['score']} as score" if "score" in c else ""
    return query(
        f"""
        select r.{c["rank"]} as rank, {sku} as sku, {name} as product_name {score}
        from ml.{RECOMMENDATIONS} r {join}
        where r.{c["customer"]}::varchar = ?
        order by r.{c["rank"]}
        """,
        [customer],
    )
