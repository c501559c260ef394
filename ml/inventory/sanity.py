"""What no recommendation may be: negative, or absurd for the demand it serves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.inventory.config import PolicyConfig

NEVER_NEGATIVE = (
    "on_hand_qty",
    "on_order_qty",
    "transfer_in_qty",
    "transfer_out_qty",
    "safety_stock_qty",
    "reorder_point_qty",
    "order_up_to_qty",
    "order_qty",
    "order_value_pen",
    "overstock_qty",
    "margin_at_risk_pen",
)


def _describe(frame: pd.DataFrame, bad: pd.Series, column: str, limit: int = 10) -> list[str]:
    rows = frame[bad].head(limit)
    return [
        f"product {r.product_id} store {r.store_id}: {column}={getattr(r, column)}"
        for r in rows.itertuples(index=False)
    ]


def negative_recommendations(recommendations: pd.DataFrame) -> list[str]:
    """Rows with a negative or missing quantity or amount (first ten per column)."""
    problems = []
    for column in NEVER_NEGATIVE:
        values = pd.to_numeric(recommendations[column], errors="coerce")
        problems += _describe(recommendations, values.isna() | (values < 0), column)
    return problems


def absurd_recommendations(
    recommendations: pd.DataFrame, config: PolicyConfig | None = None
) -> list[str]:
    """Orders no buyer would sign: not in whole packs, or beyond ``absurd_cover_days`` of demand
    when neither one pack nor the minimum order forces that much."""
    config = config or PolicyConfig()
    frame = recommendations
    quantity = frame["order_qty"].astype(float)
    pack = frame["pack_size"].astype(float)
    forced = np.maximum(pack, np.ceil(frame["min_order_qty"].astype(float) / pack - 1e-9) * pack)
    cover = config.absurd_cover_days * frame["daily_demand_qty"].astype(float)
    too_much = (quantity > forced + 1e-9) & (quantity > cover + pack)
    ragged = (quantity > 0) & (np.abs(quantity / pack - np.round(quantity / pack)) > 1e-6)
    not_finite = ~np.isfinite(frame[["order_qty", "order_up_to_qty"]].astype(float)).all(axis=1)
    return (
        _describe(frame, too_much, "order_qty")
        + [f"{p} (not whole packs)" for p in _describe(frame, ragged, "order_qty")]
        + [f"{p} (not finite)" for p in _describe(frame, not_finite, "order_qty")]
    )


def impossible_transfers(transfers: pd.DataFrame, recommendations: pd.DataFrame) -> list[str]:
    """Moves of nothing, to the same place, or of more than the sender holds."""
    problems = [
        f"product {r.product_id}: {r.from_store_id} → {r.to_store_id} transfer_qty={r.transfer_qty}"
        for r in transfers.itertuples(index=False)
        if not r.transfer_qty > 0 or r.from_store_id == r.to_store_id
    ]
    held = recommendations.set_index(["product_id", "store_id"])["on_hand_qty"]
    sent = transfers.groupby(["product_id", "from_store_id"])["transfer_qty"].sum()
    for (product, store), qty in sent.items():
        on_hand = held.get((product, store), 0.0)
        if qty > on_hand + 1e-9:
            problems.append(f"product {product} store {store}: sends {qty} holding {on_hand}")
    return problems
