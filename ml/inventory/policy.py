"""The reorder policy for one product in one location: safety stock, reorder point, order-up-to
level and the order rounded to packs and the minimum order.

Continuous review of a nightly worklist: an order is proposed the night the inventory position
(on hand + on order) falls to the reorder point, and brings it back up to the order-up-to level.

    demand over L      X: mean D(L), variance V = L × σ² + d² × σL², a negative binomial
                       (Poisson when V ≤ D(L)); a normal when it spans over 200 units
    reorder point      ROP = the fewest whole units with P(X ≤ ROP) ≥ service level, never
                       below the normal's D(L) + z × √V
                       (``service_measure='fill_rate'``: with E[(X − ROP)⁺] ≤ (1 − level) × Q)
    safety stock       SS = ROP − D(L) (≥ 0)
    order-up-to level  S = D(L + R) + SS
    order              S − position, up to whole packs, at least the minimum order

L and σL: the supplier's lead time (mean and spread, days); R: the review period (the days of
demand one order covers); σ: one day's forecast error (units); d: daily demand over L + R;
Q: the demand one order serves, D(L + R) − D(L), at least one pack or the minimum order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.inventory.service import cycle_service_reorder_point, fill_rate_reorder_point

POLICY_INPUTS = (
    "product_id",
    "store_id",
    "on_hand_qty",
    "on_order_qty",
    "lead_time_mean_days",
    "lead_time_std_days",
    "review_period_days",
    "demand_lead_qty",
    "demand_protection_qty",
    "daily_error_std_qty",
    "service_level",
    "pack_size",
    "min_order_qty",
    "unit_cost_pen",
    "unit_margin_pen",
)
NON_NEGATIVE = tuple(c for c in POLICY_INPUTS if c not in ("product_id", "store_id"))


def validate_items(items: pd.DataFrame) -> None:
    """Refuse a frame the policy cannot trust, naming the first bad row, field and value."""
    missing = [c for c in POLICY_INPUTS if c not in items.columns]
    if missing:
        raise ValueError(f"policy inputs: missing columns {missing}")
    for column in NON_NEGATIVE:
        values = pd.to_numeric(items[column], errors="coerce")
        bad = values.isna() | (values < 0) | ~np.isfinite(values.fillna(0))
        if column == "unit_margin_pen":  # a product sold below cost has a negative margin
            bad = values.isna() | ~np.isfinite(values.fillna(0))
        if bad.any():
            raise ValueError(
                f"{_name(items, bad)}: {column}={_value(items, bad, column)} must be "
                "a finite number >= 0"
            )
    packs = items["pack_size"] < 1
    if packs.any():
        raise ValueError(
            f"{_name(items, packs)}: pack_size={_value(items, packs, 'pack_size')} must be >= 1"
        )


def _name(items: pd.DataFrame, bad: pd.Series) -> str:
    first = bad.idxmax()
    return f"product {items.at[first, 'product_id']} store {items.at[first, 'store_id']}"


def _value(items: pd.DataFrame, bad: pd.Series, column: str) -> object:
    value = items.at[bad.idxmax(), column]
    return value.item() if hasattr(value, "item") else value


def round_order(need, pack, minimum) -> np.ndarray:
    """Whole packs covering ``need``, at least ``minimum`` (itself rounded up to packs); 0 when
    nothing is needed."""
    need, pack, minimum = (np.asarray(x, dtype=float) for x in (need, pack, minimum))
    packs = np.ceil(np.maximum(need, 0) / pack - 1e-9)
    quantity = np.maximum(packs * pack, np.ceil(minimum / pack - 1e-9) * pack)
    return np.where(need > 1e-9, quantity, 0.0)


OPTIONAL_INPUTS = {
    "downstream_qty": 0.0,
    "downstream_target_qty": 0.0,
    "transfer_in_qty": 0.0,
    "transfer_out_qty": 0.0,
    "purchases": True,
}


def apply_policy(
    items: pd.DataFrame, service_measure: str = "cycle", max_cover_days: float | None = None
) -> pd.DataFrame:
    """Add the policy's figures to each row of ``items`` (columns: ``POLICY_INPUTS``).

    Optional columns: ``downstream_qty`` (stock in the stores a warehouse feeds, counted in its
    position), ``downstream_target_qty`` (the stores' reorder points, which the warehouse's
    reorder point and order-up-to level add: the stock the stores hold when they reorder),
    ``transfer_in_qty``/``transfer_out_qty`` (moves already decided), ``purchases``
    (False for a store its warehouse replenishes: its need is served by transfers, never ordered).

    ``service_level`` is read as ``service_measure`` says (``PolicyConfig.service_measure``,
    worked in ``ml.inventory.service``); ``z_score`` is the safety stock in standard deviations
    of the lead-time demand. ``max_cover_days`` (``PolicyConfig.absurd_cover_days``) caps both
    levels at that many days of demand: the demand's tail asks a very slow mover for units that
    would sit for years (a TV the chain sells three times a year: four at the warehouse); the
    order is still at least one pack. ``level_cap_days`` says where the cap held.

    Adds ``daily_demand_qty, z_score, safety_stock_qty, reorder_point_qty, order_up_to_qty,
    inventory_position_qty, needs_order, order_need_qty, order_qty, order_packs,
    order_value_pen, unfilled_qty, overstock_qty, overstock_value_pen, margin_at_risk_pen``.
    """
    validate_items(items)
    out = items.copy()
    for column, default in OPTIONAL_INPUTS.items():
        if column not in out.columns:
            out[column] = default
    lead = out["lead_time_mean_days"].to_numpy(float)
    spread = out["lead_time_std_days"].to_numpy(float)
    protection = lead + out["review_period_days"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        daily = np.where(protection > 0, out["demand_protection_qty"] / protection, 0.0)
    sigma = out["daily_error_std_qty"].to_numpy(float)
    variance = lead * sigma**2 + daily**2 * spread**2
    over_lead = out["demand_lead_qty"].to_numpy(float)
    over_protection = out["demand_protection_qty"].to_numpy(float)
    cycle = np.maximum.reduce(
        [
            over_protection - over_lead,
            out["pack_size"].to_numpy(float),
            out["min_order_qty"].to_numpy(float),
        ]
    )
    level = out["service_level"].to_numpy(float)
    if service_measure == "fill_rate":
        stock_point, _ = fill_rate_reorder_point(over_lead, variance, cycle, level)
    else:
        stock_point, _ = cycle_service_reorder_point(over_lead, variance, level)
    safety = stock_point - over_lead
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, safety / np.sqrt(variance), 0.0)
    held_below = out["downstream_target_qty"].to_numpy(float)
    reorder_point = over_lead + safety + held_below
    order_up_to = over_protection + safety + held_below
    capped = np.zeros(len(out), dtype=bool)
    if max_cover_days is not None:
        ceiling = max_cover_days * np.nan_to_num(daily)
        capped = order_up_to > ceiling + 1e-9
        reorder_point = np.minimum(reorder_point, ceiling)
        order_up_to = np.minimum(order_up_to, ceiling)
    position = (
        out["on_hand_qty"].to_numpy(float)
        + out["on_order_qty"].to_numpy(float)
        + out["downstream_qty"].to_numpy(float)
        + out["transfer_in_qty"].to_numpy(float)
        - out["transfer_out_qty"].to_numpy(float)
    )
    needs_order = (position <= reorder_point + 1e-9) & (order_up_to > position + 1e-9)
    need = np.where(needs_order, order_up_to - position, 0.0)
    purchases = out["purchases"].to_numpy(bool)
    pack = out["pack_size"].to_numpy(float)
    quantity = np.where(
        purchases, round_order(need, pack, out["min_order_qty"].to_numpy(float)), 0.0
    )
    overstock = np.maximum(position - order_up_to, 0.0)
    cost = out["unit_cost_pen"].to_numpy(float)
    margin = out["unit_margin_pen"].to_numpy(float)

    out["daily_demand_qty"] = daily
    out["z_score"] = z
    out["safety_stock_qty"] = safety
    out["reorder_point_qty"] = reorder_point
    out["order_up_to_qty"] = order_up_to
    out["level_cap_days"] = np.where(capped, max_cover_days or 0.0, np.nan)
    out["inventory_position_qty"] = position
    out["needs_order"] = needs_order
    out["order_need_qty"] = need
    out["order_qty"] = quantity
    out["order_packs"] = quantity / pack
    out["order_value_pen"] = np.round(quantity * cost, 2)
    out["unfilled_qty"] = np.where(purchases, 0.0, need)
    out["overstock_qty"] = overstock
    out["overstock_value_pen"] = np.round(overstock * cost, 2)
    uncovered = np.maximum(
        out["demand_protection_qty"].to_numpy(float) + held_below - position, 0.0
    )
    out["margin_at_risk_pen"] = np.round(uncovered * np.maximum(margin, 0.0), 2)
    return out


def join_orders(plan: pd.DataFrame, share: float) -> pd.DataFrame:
    """Add to each supplier's order tonight the items of that supplier, in the same location,
    that have used up at least ``share`` of their cycle: one delivery instead of several in the
    days to come. ``plan`` is ``apply_policy``'s frame with ``supplier_id``."""
    out = plan.copy()
    out["joins_order"] = False
    if share <= 0 or not len(out):
        return out
    ordering = out["order_qty"] > 0
    keys = pd.MultiIndex.from_frame(out[["store_id", "supplier_id"]])
    triggered = set(keys[ordering.to_numpy()])
    cycle = out["order_up_to_qty"] - out["reorder_point_qty"]
    can_order = out["inventory_position_qty"] <= out["order_up_to_qty"] - share * cycle + 1e-9
    joins = (
        out["purchases"].astype(bool)
        & ~ordering
        & can_order
        & (out["order_up_to_qty"] > out["inventory_position_qty"] + 1e-9)
        & np.array([k in triggered for k in keys], dtype=bool)
    )
    need = (out["order_up_to_qty"] - out["inventory_position_qty"]).where(joins, 0.0)
    quantity = round_order(need, out["pack_size"], out["min_order_qty"])
    out.loc[joins, "needs_order"] = True
    out.loc[joins, "order_need_qty"] = need[joins]
    out.loc[joins, "order_qty"] = quantity[joins.to_numpy()]
    out["order_packs"] = out["order_qty"] / out["pack_size"]
    out["order_value_pen"] = np.round(out["order_qty"] * out["unit_cost_pen"], 2)
    out["joins_order"] = joins
    return out
