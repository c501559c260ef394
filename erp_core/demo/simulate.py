"""The day loop: every simulated day in the order a chain lives it, copied month by month.

Per day: the warehouse receives suppliers (09:00) and dispatches transfers (15:00); each store
receives transfers (07:30), sells and takes returns (09:00-22:00), writes off mermas (22:00)
and sometimes counts (22:30); then buyers learn from the day's sales and place orders. So the
kardex of every product x location is appended in time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from erp_core.demo.chain import Chain, rng_for
from erp_core.demo.demand import Demand
from erp_core.demo.forecast import Forecast
from erp_core.demo.ledger import Ledger
from erp_core.demo.pos import PointOfSale
from erp_core.demo.pricing import Pricing
from erp_core.demo.promotions import PLANNED_SHARE, by_day
from erp_core.demo.replenishment import Replenishment
from erp_core.demo.shrinkage import Shrinkage
from erp_core.demo.tables import Tables


@dataclass(frozen=True)
class Outcome:
    total_sales: Decimal
    total_refunds: Decimal
    lost_units: int
    sold_units: int
    lost_by_product: np.ndarray


def simulate(
    chain: Chain, tables: Tables, pricing: Pricing, on_day: Callable[[int], None] | None = None
) -> Outcome:
    stores = len(chain.stores)
    demand = Demand(chain)
    forecast = Forecast(chain, demand)
    ledger = Ledger(tables, stores + 1, chain.catalog.size)
    pos = PointOfSale(chain, tables, ledger, pricing)
    replenishment = Replenishment(chain, tables, ledger, pricing, forecast)
    shrinkage = Shrinkage(chain, tables, ledger)
    active = by_day(chain.promotions, chain.days)
    replenishment.open_balances()
    sold_units = 0
    for day in range(chain.days):
        forecast.launch(day)
        replenishment.receive_orders(day)
        replenishment.dispatch(day)
        plans = demand.plan_day(
            day, rng_for(chain.seed, 100, day), rng_for(chain.seed, 101, day), active[day]
        )
        discounts = _discounts(chain, active[day])
        pos.sold[:] = 0
        for s in range(stores):
            replenishment.receive_transfers(s, day)
            pos.run(s, day, plans[s], discounts[s])
            shrinkage.store_day(s, day)
        shrinkage.warehouse_day(day)
        sold_units += int(pos.sold.sum())
        planned = 1 + PLANNED_SHARE * (demand.uplift(day, active[day]) - 1)
        forecast.learn(day, pos.sold, np.array(ledger.onhand[:stores]), planned)
        replenishment.order(day)
        if _month_ends(chain, day):
            tables.flush()
        if on_day:
            on_day(day)
    replenishment.close()
    for row in pos.series_rows():
        tables.add("comprobante_series", row)
    for row in ledger.stock_balance_rows():
        tables.add("stock_balances", row)
    tables.flush()
    return Outcome(
        pos.total_sales, pos.total_refunds, int(pos.lost.sum()), sold_units, pos.lost.sum(axis=0)
    )


def _discounts(chain: Chain, active: list[int]) -> list[dict[int, tuple]]:
    """Per store: product -> (discount %, promotion id) of the promotion active today."""
    per_store: list[dict[int, tuple]] = [{} for _ in chain.stores]
    for index in active:
        promo = chain.promotions[index]
        stores = range(len(chain.stores)) if promo.store is None else [promo.store]
        for s in stores:
            per_store[s][promo.product] = (Decimal(promo.discount_pct), index + 1)
    return per_store


def _month_ends(chain: Chain, day: int) -> bool:
    return day == chain.days - 1 or chain.month_of_day[day + 1] != chain.month_of_day[day]
