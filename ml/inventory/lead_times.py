"""Supplier lead times learned from purchase orders and their receipts."""

from __future__ import annotations

import numpy as np
import pandas as pd

ORDER_LINE_COLUMNS = ("purchase_order_id", "supplier_id", "ordered_date", "received_date")


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")


def learn_lead_times(
    order_lines: pd.DataFrame, nominal: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Mean and spread of each supplier's lead time, in days, one observation per receipt.

    ``order_lines`` has ``purchase_order_id, supplier_id, ordered_date, received_date`` (the
    first actual receipt; empty while open). Lines of one order received together count once, so
    a supplier is not judged by how many products it sells. ``nominal`` (``supplier_id,
    lead_time_days``) fills in suppliers with no receipt yet, with no spread.

    Returns ``supplier_id, lead_time_mean_days, lead_time_std_days, lead_time_receipts,
    lead_time_source`` ('history' or 'nominal').
    """
    _require(order_lines, ORDER_LINE_COLUMNS, "order lines")
    received = order_lines.dropna(subset=["received_date"])
    receipts = received.drop_duplicates(["purchase_order_id", "received_date"]).copy()
    days = (
        pd.to_datetime(receipts["received_date"]) - pd.to_datetime(receipts["ordered_date"])
    ).dt.days
    bad = receipts[days < 0]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(
            f"order {row['purchase_order_id']}: received_date {row['received_date']} is before "
            f"ordered_date {row['ordered_date']}"
        )
    receipts["lead_days"] = days.astype(float)
    learned = (
        receipts.groupby("supplier_id")["lead_days"]
        .agg(lead_time_mean_days="mean", lead_time_std_days="std", lead_time_receipts="count")
        .reset_index()
    )
    learned["lead_time_std_days"] = learned["lead_time_std_days"].fillna(0.0)
    learned["lead_time_source"] = "history"
    if nominal is not None and len(nominal):
        _require(nominal, ("supplier_id", "lead_time_days"), "nominal lead times")
        known = set(learned["supplier_id"])
        rest = nominal[~nominal["supplier_id"].isin(known)].dropna(subset=["lead_time_days"])
        fill = pd.DataFrame(
            {
                "supplier_id": rest["supplier_id"].to_numpy(),
                "lead_time_mean_days": rest["lead_time_days"].astype(float).to_numpy(),
                "lead_time_std_days": np.zeros(len(rest)),
                "lead_time_receipts": np.zeros(len(rest), dtype=np.int64),
                "lead_time_source": "nominal",
            }
        )
        learned = pd.concat([learned, fill], ignore_index=True) if len(fill) else learned
    learned["lead_time_receipts"] = learned["lead_time_receipts"].astype(np.int64)
    return learned.sort_values("supplier_id").reset_index(drop=True)
