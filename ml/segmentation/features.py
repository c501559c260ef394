"""Behaviour features per identified customer, from their sale lines as of a date.

Input ``lines`` (one row per sale or return line of an identified customer):

| column | meaning |
|---|---|
| ``customer_id`` | the customer |
| ``sale_id`` | the ticket (a return line carries the sale it returns) |
| ``sale_date`` | the ticket's business date |
| ``store_id`` | where |
| ``net_sales_pen`` | net amount (negative for returns) |
| ``units_qty`` | units (negative for returns) |
| ``category`` | optional: the product's group (department or category name) |
| ``is_promotion`` | optional: the line was sold on promotion |
| ``channel`` | optional: pos, online ... |
| ``is_return`` | optional: the line is a return (else: negative units) |

``payments`` (optional): ``sale_id, payment_method``, the ticket's main payment method.
Lines after ``as_of`` are ignored.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("customer_id", "sale_id", "sale_date", "store_id", "net_sales_pen", "units_qty")
MAX_GROUPS = 12  # categories, payment methods, channels: the most common, the rest as "otros"
TREND_DAYS = 90
# Shares of customers with few tickets are noise: each share is shrunk towards the whole base's
# as if the customer had PRIOR_TICKETS more tickets that looked like everybody's.
PRIOR_TICKETS = 3.0
# Peruvian paydays: quincena (15th-16th) and end of month (last day, 1st-2nd).
PAYDAY_DAYS_OF_MONTH = (1, 2, 15, 16)

BEHAVIOUR_COLUMNS = [
    "recency_days",
    "frequency",
    "monetary_pen",
    "avg_ticket_pen",
    "tenure_days",
    "interpurchase_days",
    "units_per_line",
    "lines_per_ticket",
    "promo_share",
    "payday_share",
    "weekend_share",
]


def customer_features(
    lines: pd.DataFrame,
    as_of: dt.date | str,
    payments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per customer (index ``customer_id``) with the behaviour features.

    Columns: ``BEHAVIOUR_COLUMNS``; ``category_<name>`` (share of spend), ``payment_<method>``
    and ``channel_<name>`` (share of tickets), when given; ``preferred_store_id`` and
    ``preferred_store_share``; ``spend_last_90d`` and ``spend_previous_90d`` (for trends).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in lines.columns]
    if missing:
        raise ValueError(f"faltan columnas en las líneas de venta: {', '.join(missing)}")
    as_of = pd.Timestamp(as_of)
    frame = lines.assign(sale_date=pd.to_datetime(lines["sale_date"]))
    frame = frame[frame["customer_id"].notna() & (frame["sale_date"] <= as_of)].copy()
    if frame.empty:
        raise ValueError(f"no hay líneas de clientes identificados hasta el {as_of:%d/%m/%Y}")
    frame["net_sales_pen"] = frame["net_sales_pen"].astype(float)
    frame["units_qty"] = frame["units_qty"].astype(float)
    if "is_return" in frame.columns:
        returned = frame["is_return"].fillna(False).astype(bool)
    else:
        returned = frame["units_qty"] < 0
    sales = frame[~returned]
    tickets = _tickets(sales)
    by_customer = tickets.groupby("customer_id")
    first = by_customer["sale_date"].min()
    last = by_customer["sale_date"].max()
    n_tickets = by_customer.size()
    n_days = by_customer["sale_date"].nunique()
    monetary = frame.groupby("customer_id")["net_sales_pen"].sum().reindex(n_tickets.index)
    tenure = (as_of - first).dt.days.astype(float)
    span = (last - first).dt.days.astype(float)
    interpurchase = (span / (n_days - 1).where(n_days > 1)).fillna(tenure.clip(lower=1.0))
    sales_by_customer = sales.groupby("customer_id")
    features = pd.DataFrame(
        {
            "recency_days": (as_of - last).dt.days.astype(float),
            "frequency": n_tickets.astype(float),
            "monetary_pen": monetary.clip(lower=0.0),
            "avg_ticket_pen": by_customer["ticket_pen"].mean().clip(lower=0.0),
            "tenure_days": tenure,
            "interpurchase_days": interpurchase,
            "units_per_line": sales_by_customer["units_qty"].mean(),
            "lines_per_ticket": by_customer["lines"].mean(),
            "promo_share": _promo_share(sales),
            "payday_share": by_customer["is_payday"].mean(),
            "weekend_share": by_customer["is_weekend"].mean(),
        }
    )
    parts = [features]
    if "category" in sales.columns:
        parts.append(_shares(sales, "category", weights="net_sales_pen", prefix="category_"))
    if payments is not None:
        paid = tickets.merge(
            payments[["sale_id", "payment_method"]].drop_duplicates("sale_id"),
            on="sale_id",
            how="left",
        )
        paid["payment_method"] = paid["payment_method"].fillna("desconocido")
        parts.append(_shares(paid, "payment_method", weights=None, prefix="payment_"))
    if "channel" in tickets.columns and tickets["channel"].nunique() > 1:
        parts.append(_shares(tickets, "channel", weights=None, prefix="channel_"))
    parts.append(_preferred_store(tickets))
    parts.append(_spend_trend(frame, as_of))
    result = pd.concat(parts, axis=1).reindex(features.index)
    shares = [
        c
        for c in result.columns
        if c in ("promo_share", "payday_share", "weekend_share")
        or c.startswith(("category_", "payment_", "channel_"))
    ]
    result[shares] = _shrunk(result[shares].fillna(0.0), result["frequency"])
    result.index.name = "customer_id"
    return result.sort_index()


def _shrunk(shares: pd.DataFrame, tickets: pd.Series) -> pd.DataFrame:
    """Shares pulled towards the base's mean share, the more so the fewer tickets behind them."""
    weight = tickets / (tickets + PRIOR_TICKETS)
    return shares.mul(weight, axis=0) + np.outer(1 - weight, shares.mean().to_numpy())


def _tickets(sales: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket: customer, date, store, amount, lines, channel; payday and weekend."""
    aggregations = {
        "customer_id": ("customer_id", "first"),
        "sale_date": ("sale_date", "first"),
        "store_id": ("store_id", "first"),
        "ticket_pen": ("net_sales_pen", "sum"),
        "lines": ("net_sales_pen", "size"),
    }
    if "channel" in sales.columns:
        aggregations["channel"] = ("channel", "first")
    tickets = sales.groupby("sale_id", as_index=False).agg(**aggregations)
    day = tickets["sale_date"].dt.day
    month_end = tickets["sale_date"].dt.is_month_end
    tickets["is_payday"] = (day.isin(PAYDAY_DAYS_OF_MONTH) | month_end).astype(float)
    tickets["is_weekend"] = (tickets["sale_date"].dt.dayofweek >= 5).astype(float)
    return tickets


def _promo_share(sales: pd.DataFrame) -> pd.Series:
    if "is_promotion" not in sales.columns:
        return pd.Series(dtype=float)
    promoted = sales["net_sales_pen"].where(sales["is_promotion"].fillna(False).astype(bool), 0.0)
    grouped = promoted.groupby(sales["customer_id"]).sum()
    total = sales.groupby("customer_id")["net_sales_pen"].sum()
    return (grouped / total.where(total > 0)).fillna(0.0).clip(0.0, 1.0)


def _shares(frame: pd.DataFrame, column: str, weights: str | None, prefix: str) -> pd.DataFrame:
    """Each customer's share of spend (or of tickets) per group; rare groups become 'otros'."""
    values = frame[column].astype(str)
    weight = frame[weights].clip(lower=0.0) if weights else pd.Series(1.0, index=frame.index)
    common = weight.groupby(values).sum().nlargest(MAX_GROUPS).index
    values = values.where(values.isin(common), "otros")
    table = weight.groupby([frame["customer_id"], values]).sum().unstack(fill_value=0.0)
    total = table.sum(axis=1)
    shares = table.div(total.where(total > 0), axis=0).fillna(0.0)
    shares.columns = [f"{prefix}{_slug(c)}" for c in shares.columns]
    return shares


def _slug(name: str) -> str:
    return "_".join(str(name).strip().lower().split())


def _preferred_store(tickets: pd.DataFrame) -> pd.DataFrame:
    counts = tickets.groupby(["customer_id", "store_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(["customer_id", "n", "store_id"], ascending=[True, False, True])
    top = counts.drop_duplicates("customer_id").set_index("customer_id")
    total = counts.groupby("customer_id")["n"].sum()
    return pd.DataFrame(
        {
            "preferred_store_id": top["store_id"],
            "preferred_store_share": top["n"] / total,
        }
    )


def _spend_trend(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Spend in the last 90 days and the 90 before; the earlier window is unknown (NaN) when the
    lines handed in do not reach back that far, so a short history shows no false growth."""
    age = (as_of - frame["sale_date"]).dt.days
    recent = frame["net_sales_pen"].where(age < TREND_DAYS, 0.0)
    previous = frame["net_sales_pen"].where((age >= TREND_DAYS) & (age < 2 * TREND_DAYS), 0.0)
    trend = pd.DataFrame(
        {
            "spend_last_90d": recent.groupby(frame["customer_id"]).sum(),
            "spend_previous_90d": previous.groupby(frame["customer_id"]).sum(),
        }
    ).astype(float)
    if age.max() < 2 * TREND_DAYS - 1:
        trend["spend_previous_90d"] = np.nan
    return trend


def model_columns(features: pd.DataFrame) -> list[str]:
    """The columns K-means and DBSCAN see: behaviour and mixes, not store ids or trends."""
    mixes = [c for c in features.columns if c.startswith(("category_", "payment_", "channel_"))]
    return [c for c in BEHAVIOUR_COLUMNS if c in features.columns] + mixes


def heavy_tailed(column: str) -> bool:
    """Counts, amounts and durations: compared on a log scale."""
    return not column.endswith("_share") and not column.startswith(
        ("category_", "payment_", "channel_")
    )
