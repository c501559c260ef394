"""Policy replay: the restock recommendations against the demo's own replenishment.

Over the last ``--weeks`` (26) weeks of a published snapshot, demand is replayed as it happened
(units sold; on days a store ran out, at least its trailing 28-day mean of in-stock days, so the
demand the demo lost is demanded of both); the chain starts from the stock it really had; every
night ``ml.inventory.plan.plan_restock`` is asked for tonight's plan, the warehouse's purchase
orders are placed and arrive after a lead time drawn from the supplier's own receipts (with the
received share drawn from the same receipts), transfers arrive after 2 days. The demo's own
replenishment is what the snapshot shows for the same weeks.

Forecast (``--forecast``): ``library``, the forecasting library as the nightly asset runs it,
refitted every ``--refit-days`` (``replay_forecast.py``: the nightly model is too slow to refit
182 times here); ``trailing``, each store's trailing 28-day mean demand, daily error its
standard deviation over 56 days; ``oracle``, the mean of the next 14 days' true demand (what the
demo's buyers knew: they forecast with the generator's true rates).

    uv run python bench/bench_restock_replay.py --snapshot var/medium/warehouse_snapshot.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from replay_forecast import LibraryForecasts

from ml.inventory.config import PolicyConfig
from ml.inventory.plan import RestockInputs, plan_restock

TRANSFER_DAYS = 2
HISTORY_DAYS = 56
MEAN_DAYS = 28
ORACLE_DAYS = 14


@dataclass
class Chain:
    days: list[dt.date]
    stores: np.ndarray  # store ids, warehouse last
    products: np.ndarray
    warehouse: int
    on_hand: np.ndarray  # (days, locations, products) as happened
    sold: np.ndarray  # (days, locations, products)
    demand: np.ndarray  # imputed, (days, locations, products)
    cost: np.ndarray  # per product
    price: np.ndarray  # net unit price per product
    products_frame: pd.DataFrame
    suppliers: pd.DataFrame
    locations: pd.DataFrame
    history: pd.DataFrame  # purchase order lines before the replay
    baseline_orders: int
    in_transit: pd.DataFrame  # the demo's transfers sent before the replay, received in it
    baseline_transfers: int  # the demo's transfer lines received during the replay


@dataclass
class Outcome:
    name: str
    demand: float = 0.0
    sold: float = 0.0
    lost_value: float = 0.0
    capital: list[float] = field(default_factory=list)
    warehouse_capital: list[float] = field(default_factory=list)
    orders: int = 0
    order_lines: int = 0
    transfers: int = 0
    lost_with_warehouse_stock: float = 0.0  # units a store lacked while the warehouse had some
    lost_units: float = 0.0
    lost_by_item: np.ndarray | None = None  # (stores, products), units

    @property
    def fill_rate(self) -> float:
        return self.sold / self.demand if self.demand else float("nan")


def _table_exists(con, schema, table, catalog=None) -> bool:
    """Whether ``schema.table`` exists (in attached ``catalog``; else as a temp view or table)."""
    if catalog is None:
        return bool(
            con.execute(
                "select count(*) from duckdb_views() where view_name = ? and temporary "
                "union all select count(*) from duckdb_tables() where table_name = ? "
                "and temporary",
                [table, table],
            )
            .df()["count_star()"]
            .sum()
        )
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_catalog = ? "
            "and table_schema = ? and table_name = ?",
            [catalog, schema, table],
        ).fetchone()[0]
    )


DERIVED_PRODUCTS = """
create or replace temp view dim_product as
with sales as (
    select product_id, sum(out_value_pen) as cost_of_sales
    from src.marts.fct_inventory_movements
    where operation_type = '01' and movement_date < date '{start}'
    group by product_id
),
ranked as (
    select product_id,
           sum(cost_of_sales) over (order by cost_of_sales desc rows unbounded preceding)
               / sum(cost_of_sales) over () as cumulative
    from sales
)
select p.product_id, p.sku, p.name as product_name, c.name as category_name,
       case when r.cumulative <= 0.8 then 'A' when r.cumulative <= 0.95 then 'B' else 'C' end
           as abc_class,
       p.supplier_id, p.pack_size, cast(p.list_price as double) as list_price_pen,
       p.igv_affectation = '10' as is_taxable
from src.raw.products p
join src.raw.product_subcategories sc using (subcategory_id)
join src.raw.product_categories c using (category_id)
left join ranked r using (product_id)
"""
DERIVED_SUPPLIERS = """
create or replace temp view dim_supplier as
select supplier_id, name as supplier_name, ruc as supplier_ruc, lead_time_days, min_order_pen
from src.raw.suppliers
"""
DERIVED_DAILY = """
create or replace temp table fct_inventory_daily as
with days as (
    select cast(d as date) as date_day
    from range(date '{first}', date '{last}' + 1, interval 1 day) t(d)
),
pairs as (select distinct store_id, product_id from src.marts.fct_inventory_movements),
closes as (
    select store_id, product_id, movement_date,
           arg_max(balance_qty, kardex_id) as close_qty,
           arg_max(balance_unit_cost_pen, kardex_id) as unit_cost_pen,
           min(balance_qty) as low_qty,
           sum(case when operation_type = '01' then out_qty else 0 end) as sold_qty
    from src.marts.fct_inventory_movements
    group by all
),
grid as (select * from pairs cross join days)
select g.date_day, g.store_id, g.product_id,
       coalesce(c.close_qty, 0) as stock_on_hand_qty,
       coalesce(c.unit_cost_pen, 0) as unit_cost_pen,
       case when c.movement_date = g.date_day then c.sold_qty else 0 end as sold_qty,
       coalesce(c.close_qty, 0) <= 0
           or (c.movement_date = g.date_day and c.low_qty <= 0) as has_stockout_during_day
from grid g
asof left join closes c
    on g.store_id = c.store_id and g.product_id = c.product_id
    and g.date_day >= c.movement_date
"""


def _open(path: str, weeks: int):
    """The snapshot's marts, or, where it lacks the daily inventory mart (a pipeline run that
    stopped before it), the same figures derived from its kardex mart and raw master data."""
    con = duckdb.connect()
    con.execute(f"attach '{path}' as src (read_only)")
    has_daily = _table_exists(con, "marts", "fct_inventory_daily", "src")
    source = "src.marts.fct_inventory_daily" if has_daily else "src.marts.fct_inventory_movements"
    column = "date_day" if has_daily else "movement_date"
    last = con.execute(f"select max({column}) from {source}").fetchone()[0]
    if _table_exists(con, "marts", "mart_data_completeness", "src"):  # never a partial day
        complete = con.execute(
            "select min(last_complete_date) from src.marts.mart_data_completeness "
            "where not is_warehouse and last_complete_date is not null"
        ).fetchone()[0]
        last = min(last, complete) if complete is not None else last
    start = last - dt.timedelta(days=7 * weeks - 1)
    first = start - dt.timedelta(days=HISTORY_DAYS)
    if has_daily:
        for table in ("dim_product", "dim_supplier", "fct_inventory_daily"):
            con.execute(f"create temp view {table} as select * from src.marts.{table}")
    else:
        print("no fct_inventory_daily in the snapshot: derived from fct_inventory_movements")
        con.execute(DERIVED_PRODUCTS.format(start=start))
        con.execute(DERIVED_SUPPLIERS)
        con.execute(DERIVED_DAILY.format(first=first, last=last))
    for table in ("dim_store", "fct_purchase_order_lines", "dim_product_supplier"):
        if _table_exists(con, "marts", table, "src"):
            con.execute(f"create temp view {table} as select * from src.marts.{table}")
    return con, first, start, last


def load_chain(path: str, weeks: int) -> Chain:
    con, first, start, last = _open(path, weeks)
    locations = con.execute(
        "select store_id, store_code, store_name, is_warehouse from dim_store "
        "order by is_warehouse, store_id"
    ).df()
    stores = locations["store_id"].to_numpy()
    warehouse = int(locations.loc[locations["is_warehouse"], "store_id"].iloc[0])
    has_ps = _table_exists(con, "marts", "dim_product_supplier")
    pack = "coalesce(ps.pack_size, p.pack_size)" if has_ps else "p.pack_size"
    minimum = "coalesce(ps.min_order_qty, 0)" if has_ps else "0"
    join = "left join dim_product_supplier ps using (product_id, supplier_id)" if has_ps else ""
    products = con.execute(
        f"""
        select p.product_id, p.sku, p.product_name, p.category_name, p.abc_class, p.supplier_id,
               {pack} as pack_size, cast({minimum} as double) as min_order_qty,
               cast(p.list_price_pen as double) / case when p.is_taxable then 1.18 else 1 end
                   as net_price_pen
        from dim_product p {join} order by p.product_id
        """
    ).df()
    suppliers = con.execute(
        "select supplier_id, supplier_name, supplier_ruc, lead_time_days, "
        "cast(min_order_pen as double) as min_order_pen from dim_supplier"
    ).df()
    ids = products["product_id"].to_numpy()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    daily = con.execute(
        """
        select date_day, store_id, product_id, cast(stock_on_hand_qty as double) as on_hand,
               cast(sold_qty as double) as sold, has_stockout_during_day as out,
               cast(unit_cost_pen as double) as cost
        from fct_inventory_daily where date_day >= ? and date_day <= ?
        """,
        [first, last],
    ).df()
    d_index = {d: i for i, d in enumerate(days)}
    s_index = {s: i for i, s in enumerate(stores)}
    p_index = {p: i for i, p in enumerate(ids)}
    shape = (len(days), len(stores), len(ids))
    t = daily["date_day"].map(lambda d: d_index[d.date() if hasattr(d, "date") else d]).to_numpy()
    s = daily["store_id"].map(s_index).to_numpy()
    p = daily["product_id"].map(p_index).to_numpy()
    on_hand, sold, out = np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=bool)
    on_hand[t, s, p] = daily["on_hand"].to_numpy()
    sold[t, s, p] = daily["sold"].to_numpy()
    out[t, s, p] = daily["out"].fillna(False).to_numpy(bool)
    cost = daily.groupby("product_id")["cost"].median().reindex(ids).fillna(0).to_numpy()
    demand = impute_demand(sold, out)
    if _table_exists(con, "marts", "fct_purchase_order_lines"):
        history = con.execute(
            """
            select purchase_order_id, supplier_id, store_id, product_id, ordered_date,
                   expected_date, first_receipt_date as received_date,
                   cast(ordered_qty as double) as ordered_qty,
                   cast(received_qty as double) as received_qty,
                   cast(open_qty as double) as open_qty, cast(unit_cost_pen as double)
                   as unit_cost_pen
            from fct_purchase_order_lines where purchase_order_status <> 'cancelled'
            """
        ).df()
        orders = history[
            (pd.to_datetime(history["ordered_date"]) >= pd.Timestamp(start))
            & (pd.to_datetime(history["ordered_date"]) <= pd.Timestamp(last))
        ]["purchase_order_id"].nunique()
    else:
        history = pd.DataFrame(
            columns=[
                "purchase_order_id", "supplier_id", "store_id", "product_id", "ordered_date",
                "expected_date", "received_date", "ordered_qty", "received_qty", "open_qty",
                "unit_cost_pen",
            ]
        )  # fmt: skip
        orders = con.execute(
            "select count(distinct source_id) from src.marts.fct_inventory_movements "
            "where operation_type = '02' and movement_date between ? and ?",
            [start, last],
        ).fetchone()[0]
    in_transit = con.execute(IN_TRANSIT, [start, start]).df()
    transfer_lines = con.execute(
        "select count(*) from src.marts.fct_inventory_movements where source_table = "
        "'transfers' and in_qty > 0 and movement_date between ? and ?",
        [start, last],
    ).fetchone()[0]
    con.close()
    return Chain(
        days, stores, ids, warehouse, on_hand, sold, demand, cost,
        products["net_price_pen"].to_numpy(), products, suppliers, locations, history, orders,
        in_transit, transfer_lines,
    )  # fmt: skip


IN_TRANSIT = """
with sent as (
    select source_id, product_id, movement_date as sent_date
    from src.marts.fct_inventory_movements
    where source_table = 'transfers' and out_qty > 0
),
received as (
    select source_id, product_id, store_id, movement_date as received_date,
           cast(in_qty as double) as qty
    from src.marts.fct_inventory_movements
    where source_table = 'transfers' and in_qty > 0
)
select r.store_id, r.product_id, r.received_date, sum(r.qty) as qty
from received r join sent s using (source_id, product_id)
where s.sent_date < ? and r.received_date >= ?
group by all
"""


def impute_demand(sold: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Sales, raised on stockout days to the trailing mean of in-stock days (28 days)."""
    in_stock = np.where(out, 0.0, sold)
    counted = (~out).astype(float)
    cum_sales = np.cumsum(in_stock, axis=0)
    cum_days = np.cumsum(counted, axis=0)
    lagged_sales = np.zeros_like(cum_sales)
    lagged_days = np.zeros_like(cum_days)
    lagged_sales[MEAN_DAYS:] = cum_sales[:-MEAN_DAYS]
    lagged_days[MEAN_DAYS:] = cum_days[:-MEAN_DAYS]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (cum_sales - lagged_sales) / (cum_days - lagged_days)
    rate = np.nan_to_num(rate)
    return np.where(out, np.maximum(sold, rate), sold)


def baseline(chain: Chain, start: int) -> Outcome:
    stores = slice(0, len(chain.stores) - 1)
    result = Outcome("reposición propia del demo")
    result.demand = float(chain.demand[start:, stores].sum())
    result.sold = float(chain.sold[start:, stores].sum())
    lost = (chain.demand[start:, stores] - chain.sold[start:, stores]).clip(min=0)
    result.lost_value = float((lost.sum(axis=(0, 1)) * chain.price).sum())
    result.capital = list((chain.on_hand[start:] * chain.cost).sum(axis=(1, 2)))
    result.warehouse_capital = list((chain.on_hand[start:, -1] * chain.cost).sum(axis=1))
    result.orders = chain.baseline_orders
    result.transfers = chain.baseline_transfers
    result.lost_by_item = lost.sum(axis=0)
    return result


def flat_forecast(
    chain: Chain, t: int, as_of: dt.date, oracle: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each store's daily demand as a flat line: its trailing 28-day mean, or (``oracle``) the
    mean of what the next 14 days really bring, as the demo's own buyers knew it."""
    stores = len(chain.stores) - 1
    recent = chain.demand[t - MEAN_DAYS + 1 : t + 1, :stores]
    if oracle and t + 1 < len(chain.days):
        recent = chain.demand[t + 1 : t + 1 + ORACLE_DAYS, :stores]
    longer = chain.demand[t - HISTORY_DAYS + 1 : t + 1, :stores]
    mean = recent.mean(axis=0)
    error = longer.std(axis=0)
    s_idx, p_idx = np.nonzero((mean > 0) | (error > 0))
    keys = pd.DataFrame({"store_id": chain.stores[s_idx], "product_id": chain.products[p_idx]})
    horizon = 7
    forecast = keys.loc[keys.index.repeat(horizon)].reset_index(drop=True)
    forecast["ds"] = np.tile(
        pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=horizon), len(keys)
    )
    forecast["p50"] = np.repeat(mean[s_idx, p_idx], horizon)
    accuracy = keys.assign(rmse=error[s_idx, p_idx])
    return forecast, accuracy


def replay(
    chain: Chain,
    start: int,
    config: PolicyConfig,
    rng: np.random.Generator,
    oracle: bool = False,
    library: LibraryForecasts | None = None,
) -> Outcome:
    forecast_name = "next 14 days' true mean" if oracle else "trailing 28-day mean"
    if library is not None:
        forecast_name = f"forecasting library, refitted every {library.refit_days} days"
    result = Outcome(f"plan_restock, forecast = {forecast_name}")
    n_loc = len(chain.stores)
    wh = n_loc - 1
    s_index = {s: i for i, s in enumerate(chain.stores)}
    p_index = {p: i for i, p in enumerate(chain.products)}
    on_hand = chain.on_hand[start - 1].copy()
    arrivals: dict[int, list[tuple[int, int, float]]] = {}
    history = chain.history
    start_day = chain.days[start]
    # Orders open when the replay starts arrive as they really did.
    before = pd.to_datetime(history["ordered_date"]) < pd.Timestamp(start_day)
    pending = history[
        before & (pd.to_datetime(history["received_date"]) >= pd.Timestamp(start_day))
    ]
    for row in pending.itertuples(index=False):
        day = chain.days.index(pd.Timestamp(row.received_date).date())
        arrivals.setdefault(day, []).append(
            (s_index[row.store_id], p_index[row.product_id], float(row.received_qty))
        )
    # So do the demo's transfers sent before it (the stores' stock at the start lacks them).
    for row in chain.in_transit.itertuples(index=False):
        day = chain.days.index(pd.Timestamp(row.received_date).date())
        arrivals.setdefault(day, []).append(
            (s_index[row.store_id], p_index[row.product_id], float(row.qty))
        )
    learned = history[before & history["received_date"].notna()].copy()
    learned = learned[pd.to_datetime(learned["received_date"]) < pd.Timestamp(start_day)]
    learned["lead"] = (
        pd.to_datetime(learned["received_date"]) - pd.to_datetime(learned["ordered_date"])
    ).dt.days
    learned["share"] = (learned["received_qty"] / learned["ordered_qty"]).clip(0, 1)
    draws = {k: g[["lead", "share"]].to_numpy() for k, g in learned.groupby("supplier_id")}
    nominal = chain.suppliers.set_index("supplier_id")["lead_time_days"]
    supplier_of = chain.products_frame.set_index("product_id")["supplier_id"]
    # The demo's orders placed before the replay, dates parsed once (the plan sees each night
    # which of them have arrived).
    earlier = history[before.to_numpy()].reset_index(drop=True)
    earlier_received = pd.to_datetime(earlier["received_date"]).to_numpy()
    open_lines: list[dict] = []  # ours, for on-order and lead-time learning
    next_id = 10**9
    for t in range(start, len(chain.days)):
        for loc, p, qty in arrivals.pop(t, []):
            on_hand[loc, p] += qty
        for line in open_lines:
            if line["arrives"] == t:
                line["open_qty"] = 0.0
                line["received_date"] = chain.days[t]
        open_lines = [ln for ln in open_lines if ln["open_qty"] > 0 or ln["kind"] == "po"]
        demand = chain.demand[t, :wh]
        sold = np.minimum(on_hand[:wh], demand)
        on_hand[:wh] -= sold
        result.demand += float(demand.sum())
        result.sold += float(sold.sum())
        lost = demand - sold
        result.lost_value += float((lost.sum(axis=0) * chain.price).sum())
        result.lost_units += float(lost.sum())
        result.lost_by_item = lost if result.lost_by_item is None else result.lost_by_item + lost
        result.lost_with_warehouse_stock += float(lost[:, on_hand[wh] > 0].sum())
        result.capital.append(float((on_hand * chain.cost).sum()))
        result.warehouse_capital.append(float((on_hand[wh] * chain.cost).sum()))
        as_of = chain.days[t]
        if library is not None:
            forecast, accuracy = library.at(as_of)
        else:
            forecast, accuracy = flat_forecast(chain, t, as_of, oracle)
        loc_idx, p_idx = np.nonzero(on_hand > 0)
        stock = pd.DataFrame(
            {
                "product_id": chain.products[p_idx],
                "store_id": chain.stores[loc_idx],
                "on_hand_qty": on_hand[loc_idx, p_idx],
                "unit_cost_pen": chain.cost[p_idx],
            }
        )
        ours = pd.DataFrame(
            [ln for ln in open_lines if ln["open_qty"] > 0 or ln["kind"] == "po"],
            columns=[*history.columns, "arrives", "kind"],
        )
        arrived = earlier_received <= pd.Timestamp(as_of)  # NaT: never
        lines = pd.concat(
            [
                earlier.assign(
                    open_qty=np.where(arrived, 0.0, earlier["ordered_qty"]),
                    received_date=earlier["received_date"].where(arrived),
                ),
                ours.drop(columns=["arrives", "kind"]),
            ],
            ignore_index=True,
        )
        inputs = RestockInputs(
            as_of=as_of,
            stock=stock,
            locations=chain.locations,
            products=chain.products_frame.assign(
                unit_margin_pen=chain.products_frame["net_price_pen"] - chain.cost
            ),
            suppliers=chain.suppliers,
            order_lines=lines,
            forecast=forecast,
            accuracy=accuracy,
        )
        plan = plan_restock(inputs, config)
        recs = plan.recommendations
        buys = recs[(recs["order_qty"] > 0) & recs["is_warehouse"]]
        for supplier, group in buys.groupby("supplier_id"):
            history_draws = draws.get(supplier)
            if history_draws is not None and len(history_draws):
                lead, share = history_draws[rng.integers(len(history_draws))]
            else:
                lead, share = float(nominal.get(supplier, 7)), 1.0
            lead = max(int(lead), 1)
            result.orders += 1
            result.order_lines += len(group)
            next_id += 1
            for row in group.itertuples(index=False):
                received = float(np.floor(row.order_qty * share)) if share < 1 else row.order_qty
                p = p_index[row.product_id]
                arrivals.setdefault(t + lead, []).append((wh, p, received))
                open_lines.append(
                    {
                        "purchase_order_id": next_id,
                        "supplier_id": supplier,
                        "store_id": chain.warehouse,
                        "product_id": row.product_id,
                        "ordered_date": as_of,
                        "expected_date": as_of + dt.timedelta(days=lead),
                        "received_date": None,
                        "ordered_qty": row.order_qty,
                        "received_qty": received,
                        "open_qty": row.order_qty,
                        "unit_cost_pen": chain.cost[p],
                        "arrives": t + lead,
                        "kind": "po",
                    }
                )
        for move in plan.transfers.itertuples(index=False):
            src, dst = s_index[move.from_store_id], s_index[move.to_store_id]
            p = p_index[move.product_id]
            qty = min(move.transfer_qty, on_hand[src, p])
            if qty <= 0:
                continue
            on_hand[src, p] -= qty
            arrivals.setdefault(t + TRANSFER_DAYS, []).append((dst, p, qty))
            result.transfers += 1
            next_id += 1
            open_lines.append(
                {
                    "purchase_order_id": next_id,
                    "supplier_id": int(supplier_of[move.product_id]),
                    "store_id": move.to_store_id,
                    "product_id": move.product_id,
                    "ordered_date": as_of,
                    "expected_date": as_of + dt.timedelta(days=TRANSFER_DAYS),
                    "received_date": None,
                    "ordered_qty": qty,
                    "received_qty": 0.0,
                    "open_qty": qty,
                    "unit_cost_pen": chain.cost[p],
                    "arrives": t + TRANSFER_DAYS,
                    "kind": "transfer",
                }
            )
        if (t - start) % 14 == 0:
            print(
                f"  {as_of}: fill {result.fill_rate:.4f}, capital S/ {result.capital[-1]:,.0f} "
                f"(average S/ {np.mean(result.capital):,.0f}), orders {result.orders}",
                flush=True,
            )
    return result


def report(results: list[Outcome], weeks: int) -> None:
    base = results[0]
    print(
        "| policy | fill rate | lost sales (S/) | avg capital (S/) | of it in the warehouse | "
        "capital vs demo | orders/week | transfers/week |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        capital = float(np.mean(r.capital))
        ratio = capital / float(np.mean(base.capital))
        warehouse = float(np.mean(r.warehouse_capital)) / capital if capital else 0.0
        print(
            f"| {r.name} | {r.fill_rate:.2%} | {r.lost_value:,.0f} | {capital:,.0f} | "
            f"{warehouse:.0%} | {ratio:.2f}x | {r.orders / weeks:.1f} | "
            f"{r.transfers / weeks:.1f} |"
        )


RATE_BUCKETS = ((0, 0.2), (0.2, 1), (1, 5), (5, np.inf))


def report_by_rate(results: list[Outcome], chain: Chain, start: int) -> None:
    """Fill rate by how fast the item sells in its store (mean units a day over the window):
    where each policy loses its units."""
    demand = chain.demand[start:, :-1]
    rate = demand.mean(axis=0)
    total = demand.sum(axis=0)
    print(
        "| units a day (store × product) | share of demand | "
        + " | ".join(f"fill, {r.name}" for r in results)
        + " |"
    )
    print("|---|---|" + "---|" * len(results))
    for low, high in RATE_BUCKETS:
        mask = (rate > low) & (rate <= high) if low else (rate <= high)
        asked = float(total[mask].sum())
        fills = [1 - float(r.lost_by_item[mask].sum()) / asked if asked else np.nan
                 for r in results]  # fmt: skip
        print(f"| {low}–{high} | {asked / total.sum():.1%} | "
              + " | ".join(f"{f:.2%}" for f in fills) + " |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default="var/medium/warehouse_snapshot.duckdb")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--review-days", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--joint", type=float, default=0.0, help="PolicyConfig.joint_order_share (0: off)"
    )
    parser.add_argument(
        "--forecast",
        choices=("library", "trailing", "oracle"),
        default="library",
        help="library: the nightly forecasting library; trailing: 28-day mean; oracle: the "
        "next 14 days' true mean (the information the demo's buyers had)",
    )
    parser.add_argument(
        "--service-measure",
        choices=("cycle", "fill_rate"),
        default="cycle",
        help="PolicyConfig.service_measure: what a service level means",
    )
    parser.add_argument("--refit-days", type=int, default=28)
    parser.add_argument("--windows", type=int, default=2, help="the library's backtest windows")
    parser.add_argument(
        "--service", default="0.98,0.95,0.90", help="service levels of classes A,B,C"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    chain = load_chain(args.snapshot, args.weeks)
    start = len(chain.days) - 7 * args.weeks
    print(
        f"{len(chain.stores) - 1} stores + warehouse, {len(chain.products)} products, "
        f"{chain.days[start]} → {chain.days[-1]}; loaded in {time.perf_counter() - started:.0f} s"
    )
    demo = baseline(chain, start)
    print(
        f"demo: fill {demo.fill_rate:.2%}, average capital S/ {np.mean(demo.capital):,.0f}, "
        f"orders {demo.orders}"
    )
    a, b, c = (float(x) for x in args.service.split(","))
    config = PolicyConfig(
        service_levels={"A": a, "B": b, "C": c},
        review_period_days=args.review_days,
        joint_order_share=args.joint,
        service_measure=args.service_measure,
    )
    print(
        f"review {args.review_days} days, service levels A {a}, B {b}, C {c} "
        f"({args.service_measure}), joint orders {args.joint}"
    )
    library = None
    if args.forecast == "library":
        library = LibraryForecasts(
            args.snapshot, chain.days[start], chain.days[-1], args.refit_days, args.windows
        )
    ours = replay(chain, start, config, np.random.default_rng(args.seed),
                  args.forecast == "oracle", library)  # fmt: skip
    report([demo, ours], args.weeks)
    report_by_rate([demo, ours], chain, start)
    print(
        f"lost units {ours.lost_units:,.0f}, of which while the warehouse had stock "
        f"{ours.lost_with_warehouse_stock:,.0f}; order lines {ours.order_lines:,}"
    )
    if library is not None:
        print(f"forecast refits: {len(library.fit_seconds)}, {library.mean_fit_seconds:.0f} s each")
    print(f"elapsed {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
