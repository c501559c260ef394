"""Tonight's restock plan for a chain: every product × location, transfers, purchase orders.

With a central warehouse (a location flagged ``is_warehouse``) suppliers deliver to it and the
stores are replenished from it by transfers, as the chain works: stores' needs are met first
from sister stores' excess, then from the warehouse's stock; the warehouse buys on the chain's
demand (its own stock, on order and what the stores hold up to their order-up-to levels) and
keeps, beyond it, what the stores hold when they reorder (their reorder points).
Without one, every store buys from its suppliers, after taking what sister stores can spare.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.inventory.config import PolicyConfig
from ml.inventory.demand import KEY, demand_paths
from ml.inventory.explain import why_line
from ml.inventory.lead_times import learn_lead_times
from ml.inventory.policy import apply_policy, join_orders
from ml.inventory.transfers import TRANSFER_COLUMNS, match_transfers

FROM_SUPPLIER, FROM_WAREHOUSE = "proveedor", "almacen"


@dataclass(frozen=True)
class RestockInputs:
    """What the plan is made from (one row per entity; quantities in units, money in soles).

    Attributes:
        as_of: the last complete day of ``stock``; the forecast is read from the next day on.
        stock: ``product_id, store_id, on_hand_qty, unit_cost_pen``.
        locations: ``store_id, store_code, store_name, is_warehouse``.
        products: ``product_id, sku, product_name, category_name, abc_class, supplier_id,
            pack_size, min_order_qty, unit_margin_pen``.
        suppliers: ``supplier_id, supplier_name, lead_time_days`` (nominal), ``min_order_pen``.
        order_lines: ``purchase_order_id, supplier_id, store_id, product_id, ordered_date,
            expected_date, received_date, ordered_qty, received_qty, open_qty``.
        forecast: daily ``product_id, store_id, ds, p50`` (and ``p10, p90``).
        accuracy: ``product_id, store_id, rmse`` (one day's error, units).
    """

    as_of: dt.date
    stock: pd.DataFrame
    locations: pd.DataFrame
    products: pd.DataFrame
    suppliers: pd.DataFrame
    order_lines: pd.DataFrame
    forecast: pd.DataFrame
    accuracy: pd.DataFrame


@dataclass(frozen=True)
class RestockPlan:
    recommendations: pd.DataFrame
    transfers: pd.DataFrame
    lead_times: pd.DataFrame


MAX_PROJECTION_DAYS = 366


def _open_orders(inputs: RestockInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """On order per product × location, and the same by day of expected arrival."""
    lines = inputs.order_lines
    open_lines = lines[lines["open_qty"].fillna(0) > 0]
    on_order = open_lines.groupby(KEY, as_index=False)["open_qty"].sum()
    due = pd.to_datetime(open_lines["expected_date"]) - pd.Timestamp(inputs.as_of)
    arrivals = open_lines.assign(offset=due.dt.days.fillna(1).clip(lower=1).astype(int))
    return on_order.rename(columns={"open_qty": "on_order_qty"}), arrivals


def _arrival_matrix(keys: pd.DataFrame, arrivals: pd.DataFrame, horizon: int) -> np.ndarray:
    matrix = np.zeros((len(keys), max(horizon, 1)))
    rows = keys.reset_index().merge(arrivals, on=KEY, how="inner")
    rows = rows[rows["offset"] <= matrix.shape[1]]
    np.add.at(matrix, (rows["index"].to_numpy(), rows["offset"].to_numpy() - 1), rows["open_qty"])
    return matrix[:, :horizon]


def _items(inputs: RestockInputs, keys: pd.DataFrame, config: PolicyConfig) -> pd.DataFrame:
    """The policy's inputs for ``keys``, before the demand figures."""
    product_cols = [
        "product_id",
        "sku",
        "product_name",
        "category_name",
        "abc_class",
        "supplier_id",
        "pack_size",
        "min_order_qty",
        "unit_margin_pen",
    ]
    items = keys.merge(inputs.products[product_cols], on="product_id", how="left")
    items = items.merge(
        inputs.stock[[*KEY, "on_hand_qty", "unit_cost_pen"]], on=KEY, how="left"
    ).fillna({"on_hand_qty": 0.0})
    costs = inputs.stock.groupby("product_id")["unit_cost_pen"].median()
    items["unit_cost_pen"] = items["unit_cost_pen"].fillna(items["product_id"].map(costs))
    items["unit_cost_pen"] = items["unit_cost_pen"].fillna(0.0)
    items["unit_margin_pen"] = items["unit_margin_pen"].fillna(0.0)
    items["pack_size"] = items["pack_size"].fillna(1).clip(lower=1)
    items["min_order_qty"] = items["min_order_qty"].fillna(0.0)
    items["service_level"] = [config.service_level(c) for c in items["abc_class"]]
    items["review_period_days"] = config.review_period_days
    return items


def _with_demand(items, forecast, accuracy, start):
    paths = demand_paths(items[KEY], forecast, accuracy, start)
    lead = items["lead_time_mean_days"].to_numpy(float)
    items = items.copy()
    items["demand_lead_qty"] = paths.over(lead)
    items["demand_protection_qty"] = paths.over(lead + items["review_period_days"].to_numpy())
    items["daily_error_std_qty"] = paths.daily_error_std
    items["error_source"] = paths.error_source
    items["has_forecast"] = paths.has_forecast
    return items, paths


def _chain_forecast(forecast, accuracy, warehouse_id) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stores' forecasts summed per product, as the warehouse's demand (errors added in
    quadrature: stores' errors taken as independent)."""
    columns = [c for c in ("p10", "p50", "p90") if c in forecast.columns]
    chain = forecast.groupby(["product_id", "ds"], as_index=False)[columns].sum()
    chain["store_id"] = warehouse_id
    if accuracy is None or "rmse" not in accuracy.columns or not len(accuracy):
        return chain, None
    errors = (
        accuracy.assign(var=accuracy["rmse"] ** 2)
        .groupby("product_id", as_index=False)["var"]
        .sum()
    )
    errors["rmse"] = np.sqrt(errors["var"])
    errors["store_id"] = warehouse_id
    return chain, errors[["product_id", "store_id", "rmse"]]


def plan_restock(inputs: RestockInputs, config: PolicyConfig | None = None) -> RestockPlan:
    """Recommendations per product × location, transfers between locations, learned lead times."""
    config = config or PolicyConfig()
    start = pd.Timestamp(inputs.as_of) + pd.Timedelta(days=1)
    locations = inputs.locations.set_index("store_id")
    warehouses = locations.index[locations["is_warehouse"].astype(bool)].tolist()
    warehouse_id = warehouses[0] if warehouses else None
    stores = [s for s in locations.index if s != warehouse_id]

    lead_times = learn_lead_times(
        inputs.order_lines, inputs.suppliers[["supplier_id", "lead_time_days"]]
    )
    on_order, arrivals = _open_orders(inputs)
    forecast = inputs.forecast[inputs.forecast["store_id"].isin(stores)]
    held = inputs.stock[inputs.stock["on_hand_qty"] > 0]
    seen = pd.concat([forecast[KEY], held[KEY]]).drop_duplicates()
    seen = seen[seen["store_id"].isin(stores) & seen["product_id"].isin(inputs.products.product_id)]
    keys = seen.sort_values(KEY).reset_index(drop=True)

    items = _items(inputs, keys, config)
    items = items.merge(on_order, on=KEY, how="left").fillna({"on_order_qty": 0.0})
    supplier_lead = items[["supplier_id"]].merge(lead_times, on="supplier_id", how="left")
    if warehouse_id is None:
        items["lead_time_mean_days"] = supplier_lead["lead_time_mean_days"].fillna(
            config.default_lead_time_days
        )
        items["lead_time_std_days"] = supplier_lead["lead_time_std_days"].fillna(0.0)
        items["lead_time_source"] = supplier_lead["lead_time_source"].fillna("default")
        items["purchases"] = True
        items["replenished_from"] = FROM_SUPPLIER
    else:
        items["lead_time_mean_days"] = config.transfer_lead_time_days
        items["lead_time_std_days"] = 0.0
        items["lead_time_source"] = "transfer"
        items["purchases"] = False
        items["replenished_from"] = FROM_WAREHOUSE
        items["pack_size"] = 1.0
        items["min_order_qty"] = 0.0
    items, paths = _with_demand(items, forecast, inputs.accuracy, start)
    first = _policy(items, config)

    # Sister stores first: what one holds above its order-up-to level, another lacks.
    needs = first.assign(need_qty=first["order_need_qty"], priority=first["margin_at_risk_pen"])
    offers = first.assign(
        available_qty=np.floor(np.minimum(first["on_hand_qty"], first["overstock_qty"]))
    )
    moves = [match_transfers(needs, offers, config.min_transfer_qty, "rebalance")]
    items = _apply_moves(items, moves[0])
    if warehouse_id is not None:
        second = _policy(items, config)
        stock = inputs.stock[inputs.stock["store_id"] == warehouse_id]
        offers = stock.rename(columns={"on_hand_qty": "available_qty"}).assign(
            available_qty=lambda f: np.floor(f["available_qty"].clip(lower=0))
        )
        needs = second.assign(
            need_qty=second["order_need_qty"], priority=second["margin_at_risk_pen"]
        )
        moves.append(match_transfers(needs, offers, config.min_transfer_qty, "replenish"))
        items = _apply_moves(items, moves[1])
    stores_plan = join_orders(_policy(items, config), config.joint_order_share)
    stores_plan = _projections(stores_plan, paths, keys, arrivals, stores_plan["on_hand_qty"])

    plans = [stores_plan]
    if warehouse_id is not None:
        plans.append(
            _warehouse_plan(
                inputs, config, warehouse_id, stores_plan, on_order, arrivals, start, lead_times
            )
        )
    plan = pd.concat(plans, ignore_index=True)
    transfers = pd.concat(moves, ignore_index=True)
    plan = _finish(plan, inputs, transfers, locations)
    transfers = _describe_transfers(transfers, plan, inputs, locations)
    return RestockPlan(plan, transfers, lead_times)


def _apply_moves(items: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    items = items.copy()
    for column, side in (("transfer_in_qty", "to_store_id"), ("transfer_out_qty", "from_store_id")):
        moved = moves.groupby(["product_id", side])["transfer_qty"].sum().rename("moved")
        moved.index = moved.index.set_names(KEY)
        joined = items[KEY].merge(moved.reset_index(), on=KEY, how="left")["moved"].fillna(0.0)
        previous = items[column] if column in items.columns else 0.0
        items[column] = previous + joined.to_numpy()
    return items


def _projections(plan, paths, keys, arrivals, stock) -> pd.DataFrame:
    """Days of cover and the day ``stock`` (plus open orders as they arrive) runs out."""
    plan = plan.copy()
    matrix = _arrival_matrix(keys, arrivals, paths.horizon)
    run_out = paths.run_out_day(np.asarray(stock, dtype=float), matrix)
    plan["run_out_days"] = run_out
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.asarray(stock, dtype=float) / plan["daily_demand_qty"]
    plan["days_of_cover"] = cover.where(plan["daily_demand_qty"] > 0)
    return plan


def _warehouse_plan(
    inputs, config, warehouse_id, stores_plan, on_order, arrivals, start, lead_times
):
    """The warehouse buys for the chain (an echelon policy): its levels are the chain's demand
    and safety stock plus the stores' reorder points (the stock a store still holds when it asks
    for more; their order-up-to levels would count the stores' review period twice, once in the
    chain's demand over the warehouse's review and once in the stores' levels); its position
    counts the stores' stock up to their order-up-to levels."""
    chain_forecast, chain_accuracy = _chain_forecast(
        inputs.forecast[inputs.forecast["store_id"] != warehouse_id], inputs.accuracy, warehouse_id
    )
    stock = inputs.stock
    shelf = stock[(stock["store_id"] == warehouse_id) & (stock["on_hand_qty"] > 0)]["product_id"]
    known = set(inputs.products["product_id"])
    products = sorted((set(stores_plan["product_id"]) | set(shelf)) & known)
    keys = pd.DataFrame({"product_id": products, "store_id": warehouse_id})
    items = _items(inputs, keys, config)
    items = items.merge(on_order, on=KEY, how="left").fillna({"on_order_qty": 0.0})
    lead = items[["supplier_id"]].merge(lead_times, on="supplier_id", how="left")
    items["lead_time_mean_days"] = (
        lead["lead_time_mean_days"].fillna(config.default_lead_time_days).to_numpy()
    )
    items["lead_time_std_days"] = lead["lead_time_std_days"].fillna(0.0).to_numpy()
    items["lead_time_source"] = lead["lead_time_source"].fillna("default").to_numpy()
    held = np.minimum(
        stores_plan["on_hand_qty"] + stores_plan["on_order_qty"], stores_plan["order_up_to_qty"]
    )
    downstream = stores_plan.assign(held=held).groupby("product_id")["held"].sum()
    items["downstream_qty"] = items["product_id"].map(downstream).fillna(0.0)
    targets = stores_plan.groupby("product_id")["reorder_point_qty"].sum()
    items["downstream_target_qty"] = items["product_id"].map(targets).fillna(0.0)
    sent = stores_plan.groupby("product_id")["transfer_in_qty"].sum()
    # What the stores get from the warehouse tonight leaves its shelf but stays in the chain.
    items["downstream_qty"] += items["product_id"].map(sent).fillna(0.0)
    items["transfer_out_qty"] = (
        items["product_id"]
        .map(
            stores_plan[stores_plan["replenished_from"] == FROM_WAREHOUSE]
            .groupby("product_id")["transfer_in_qty"]
            .sum()
        )
        .fillna(0.0)
    )
    items["purchases"] = True
    items["replenished_from"] = FROM_SUPPLIER
    items, paths = _with_demand(items, chain_forecast, chain_accuracy, start)
    plan = join_orders(_policy(items, config), config.joint_order_share)
    # The chain's stock (warehouse and stores) against the chain's demand.
    return _projections(plan, paths, keys, arrivals, plan["on_hand_qty"] + plan["downstream_qty"])


def _finish(plan, inputs, transfers, locations) -> pd.DataFrame:
    plan = plan.copy()
    plan["as_of_date"] = pd.Timestamp(inputs.as_of).date()
    run_out = plan["run_out_days"]
    # A stockout more than a year away (a slow mover's deep stock) is no projection: no date.
    plan["projected_stockout_date"] = [
        (pd.Timestamp(inputs.as_of) + pd.Timedelta(days=int(d))).date()
        if np.isfinite(d) and d <= MAX_PROJECTION_DAYS
        else None
        for d in run_out
    ]
    plan["runs_out_before_delivery"] = (run_out <= plan["lead_time_mean_days"]).fillna(False)
    plan["is_warehouse"] = plan["store_id"].map(locations["is_warehouse"]).astype(bool)
    plan["store_code"] = plan["store_id"].map(locations["store_code"])
    plan["store_name"] = plan["store_id"].map(locations["store_name"])
    names = inputs.suppliers.set_index("supplier_id")["supplier_name"]
    plan["supplier_name"] = plan["supplier_id"].map(names)
    plan = plan.sort_values(
        ["margin_at_risk_pen", "days_of_cover", "order_value_pen"],
        ascending=[False, True, False],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    plan["priority_rank"] = np.arange(1, len(plan) + 1)
    notes = _transfer_notes(transfers, locations)
    plan["why"] = [
        why_line(row, notes.get((row.product_id, row.store_id), ""))
        for row in plan.itertuples(index=False)
    ]
    return plan[RECOMMENDATION_COLUMNS]


def _transfer_notes(transfers, locations) -> dict:
    notes: dict = {}
    codes = locations["store_code"]
    for product, source, target, qty, _kind in transfers[TRANSFER_COLUMNS].itertuples(index=False):
        notes.setdefault((product, target), []).append(
            f"recibe {qty:,.0f} de {codes.get(source, source)}"
        )
        notes.setdefault((product, source), []).append(
            f"envía {qty:,.0f} a {codes.get(target, target)}"
        )
    return {key: ", ".join(parts) for key, parts in notes.items()}


def _describe_transfers(transfers, plan, inputs, locations) -> pd.DataFrame:
    if not len(transfers):
        return pd.DataFrame(columns=TRANSFER_DETAIL_COLUMNS)
    info = plan.set_index(KEY)
    frame = transfers.copy()
    frame["as_of_date"] = pd.Timestamp(inputs.as_of).date()
    products = inputs.products.set_index("product_id")
    frame["sku"] = frame["product_id"].map(products["sku"])
    frame["product_name"] = frame["product_id"].map(products["product_name"])
    frame["category_name"] = frame["product_id"].map(products["category_name"])
    frame["from_store_code"] = frame["from_store_id"].map(locations["store_code"])
    frame["to_store_code"] = frame["to_store_id"].map(locations["store_code"])
    cost = info["unit_cost_pen"]
    frame["unit_cost_pen"] = [
        cost.get((p, s), np.nan)
        for p, s in zip(frame["product_id"], frame["from_store_id"], strict=True)
    ]
    frame["transfer_value_pen"] = np.round(frame["transfer_qty"] * frame["unit_cost_pen"], 2)
    margin = info["margin_at_risk_pen"]
    frame["margin_at_risk_pen"] = [
        margin.get((p, s), 0.0)
        for p, s in zip(frame["product_id"], frame["to_store_id"], strict=True)
    ]
    frame["why"] = [
        (
            f"{row.from_store_code} tiene {row.transfer_qty:,.0f} sobre su nivel máximo; "
            f"{row.to_store_code} está bajo su punto de pedido"
            if row.kind == "rebalance"
            else f"reposición de {row.to_store_code} desde el almacén {row.from_store_code}"
        )
        for row in frame.itertuples(index=False)
    ]
    return frame[TRANSFER_DETAIL_COLUMNS]


TRANSFER_DETAIL_COLUMNS = [
    "as_of_date",
    "product_id",
    "sku",
    "product_name",
    "category_name",
    "from_store_id",
    "from_store_code",
    "to_store_id",
    "to_store_code",
    "transfer_qty",
    "kind",
    "unit_cost_pen",
    "transfer_value_pen",
    "margin_at_risk_pen",
    "why",
]

RECOMMENDATION_COLUMNS = [
    "as_of_date",
    "priority_rank",
    "product_id",
    "sku",
    "product_name",
    "category_name",
    "abc_class",
    "store_id",
    "store_code",
    "store_name",
    "is_warehouse",
    "supplier_id",
    "supplier_name",
    "replenished_from",
    "on_hand_qty",
    "on_order_qty",
    "downstream_qty",
    "downstream_target_qty",
    "transfer_in_qty",
    "transfer_out_qty",
    "inventory_position_qty",
    "lead_time_mean_days",
    "lead_time_std_days",
    "lead_time_source",
    "review_period_days",
    "service_level",
    "z_score",
    "daily_demand_qty",
    "demand_lead_qty",
    "demand_protection_qty",
    "daily_error_std_qty",
    "error_source",
    "has_forecast",
    "safety_stock_qty",
    "reorder_point_qty",
    "order_up_to_qty",
    "level_cap_days",
    "needs_order",
    "order_need_qty",
    "pack_size",
    "min_order_qty",
    "order_qty",
    "order_packs",
    "joins_order",
    "unit_cost_pen",
    "order_value_pen",
    "unfilled_qty",
    "days_of_cover",
    "projected_stockout_date",
    "runs_out_before_delivery",
    "overstock_qty",
    "overstock_value_pen",
    "unit_margin_pen",
    "margin_at_risk_pen",
    "why",
]


def _policy(items: pd.DataFrame, config: PolicyConfig) -> pd.DataFrame:
    return apply_policy(items, config.service_measure, config.absurd_cover_days)
