"""Restock assets: the plan's three tables in ``ml`` after the forecast, then the delivery."""

import datetime as dt
import time

import dagster as dg
import pandas as pd
from pydantic import Field

from ml.inventory.config import PolicyConfig
from ml.inventory.plan import plan_restock
from ml.inventory.scorecard import supplier_scorecard
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.defs.restock.inputs import NoForecast, read_restock_inputs
from pipelines.defs.restock.resources import RestockDelivery
from pipelines.delivery.restock import deliver_restock
from pipelines.ml_tables import ML_SCHEMA, ml_asset_key, not_trained, write_ml_table
from pipelines.warehouse import table_exists

OWNERS = ["team:buyers"]
RECOMMENDATIONS, TRANSFERS, SCORECARD = (
    "fct_restock_recommendations",
    "fct_transfer_suggestions",
    "fct_supplier_scorecard",
)
FORECAST_DEPS = [ml_asset_key("fct_forecast"), ml_asset_key("fct_forecast_accuracy")]


class RestockConfig(dg.Config):
    as_of: str | None = Field(
        default=None, description="Plan as of this day (YYYY-MM-DD); unset: last complete day."
    )
    review_period_days: float = Field(default=7.0, description="Days of demand one order covers.")
    service_level_a: float = Field(default=0.98, description="Cycle service level, class A.")
    service_level_b: float = Field(default=0.95, description="Cycle service level, class B.")
    service_level_c: float = Field(default=0.90, description="Cycle service level, class C.")
    transfer_lead_time_days: float = Field(default=2.0, description="Days a transfer takes.")
    window_days: int = Field(default=90, description="Days of sales behind margins and rotation.")
    joint_order_share: float = Field(
        default=0.0,
        description="Items of a supplier that used up this share of their cycle join its order "
        "tonight (0: off).",
    )
    service_measure: str = Field(
        default="cycle",
        description="What a service level means: 'cycle' (share of cycles without a stockout) or "
        "'fill_rate' (share of demand served from the shelf).",
    )

    def policy(self) -> PolicyConfig:
        return PolicyConfig(
            service_levels={
                "A": self.service_level_a,
                "B": self.service_level_b,
                "C": self.service_level_c,
            },
            review_period_days=self.review_period_days,
            transfer_lead_time_days=self.transfer_lead_time_days,
            joint_order_share=self.joint_order_share,
            service_measure=self.service_measure,
        )


@dg.multi_asset(
    name="restock_plan",
    specs=[
        dg.AssetSpec(
            ml_asset_key(RECOMMENDATIONS),
            description="Qué pedir a quién, por producto y tienda, con su prioridad y su motivo.",
            deps=FORECAST_DEPS,
            group_name="ml",
            kinds={"python", "duckdb"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            ml_asset_key(TRANSFERS),
            description="Traslados entre locales propuestos antes de comprar.",
            deps=FORECAST_DEPS,
            group_name="ml",
            kinds={"python", "duckdb"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            ml_asset_key(SCORECARD),
            description="Cumplimiento, plazos, margen y rotación de cada proveedor.",
            deps=FORECAST_DEPS,
            group_name="ml",
            kinds={"python", "duckdb"},
            owners=OWNERS,
        ),
    ],
)
def restock_plan(
    context: dg.AssetExecutionContext, config: RestockConfig, warehouse: DuckDBWarehouse
):
    """Tonight's restock plan from the stock, the open orders and the forecast."""
    started = time.perf_counter()
    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else None
    try:
        with warehouse.connect() as con:
            inputs, scoring = read_restock_inputs(con, as_of, config.window_days)
    except NoForecast as reason:  # a new chain, before its first forecast
        context.log.warning(str(reason))
        yield from not_trained((RECOMMENDATIONS, TRANSFERS, SCORECARD), [], str(reason))
        return
    plan = plan_restock(inputs, config.policy())
    card = supplier_scorecard(
        inputs.suppliers,
        inputs.products,
        inputs.order_lines,
        plan.lead_times,
        scoring.sales,
        scoring.stock_value,
        scoring.window_days,
    ).assign(as_of_date=inputs.as_of)
    recs = plan.recommendations
    with warehouse.connect() as con:
        write_ml_table(con, RECOMMENDATIONS, recs)
        write_ml_table(con, TRANSFERS, plan.transfers)
        write_ml_table(con, SCORECARD, card)
    elapsed = time.perf_counter() - started
    orders = recs[recs["order_qty"] > 0]
    yield dg.MaterializeResult(
        asset_key=ml_asset_key(RECOMMENDATIONS),
        metadata={
            "dagster/row_count": dg.MetadataValue.int(len(recs)),
            "as_of": dg.MetadataValue.text(inputs.as_of.isoformat()),
            "order_lines": dg.MetadataValue.int(len(orders)),
            "order_value_pen": dg.MetadataValue.float(float(orders["order_value_pen"].sum())),
            "runs_out_before_delivery": dg.MetadataValue.int(
                int(recs["runs_out_before_delivery"].sum())
            ),
            "overstock_value_pen": dg.MetadataValue.float(float(recs["overstock_value_pen"].sum())),
            "forecast_rows": dg.MetadataValue.int(len(inputs.forecast)),
            "elapsed_s": dg.MetadataValue.float(round(elapsed, 2)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=ml_asset_key(TRANSFERS),
        metadata={
            "dagster/row_count": dg.MetadataValue.int(len(plan.transfers)),
            "transfer_value_pen": dg.MetadataValue.float(
                float(plan.transfers["transfer_value_pen"].sum()) if len(plan.transfers) else 0.0
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=ml_asset_key(SCORECARD),
        metadata={"dagster/row_count": dg.MetadataValue.int(len(card))},
    )


def read_plan(con) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """Tonight's plan, or None when there is none (no forecast trained yet)."""
    if not table_exists(con, ML_SCHEMA, RECOMMENDATIONS):
        return None
    recs = con.execute(f"select * from {ML_SCHEMA}.{RECOMMENDATIONS}").df()
    transfers = con.execute(f"select * from {ML_SCHEMA}.{TRANSFERS}").df()
    suppliers = con.execute(
        "select supplier_id, supplier_name, supplier_ruc, cast(min_order_pen as double) "
        "as min_order_pen from marts.dim_supplier"
    ).df()
    return recs, transfers, suppliers


@dg.asset(
    key=["exports", "restock_delivery"],
    deps=[ml_asset_key(RECOMMENDATIONS), ml_asset_key(TRANSFERS)],
    group_name="ml",
    kinds={"excel", "email"},
    owners=OWNERS,
)
def restock_delivery(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    restock_delivery: RestockDelivery,
) -> dg.MaterializeResult:
    """Borradores de orden de compra y resumen a cada comprador (correo o bandeja .eml)."""
    with warehouse.connect() as con:
        plan = read_plan(con)
    if plan is None or plan[0].empty:
        return dg.MaterializeResult(metadata={"drafts": dg.MetadataValue.int(0)})
    recs, transfers, suppliers = plan
    as_of = pd.Timestamp(recs["as_of_date"].iloc[0]).date()
    report = deliver_restock(
        recs,
        transfers,
        suppliers,
        as_of,
        restock_delivery.resolved_exports_dir(),
        restock_delivery.buyers(),
        restock_delivery.mail(),
    )
    if report.unmailed_categories:
        context.log.warning(f"categories without a buyer: {', '.join(report.unmailed_categories)}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(report.folder)),
            "drafts": dg.MetadataValue.int(len(report.drafts)),
            "mailed": dg.MetadataValue.json(report.mailed),
            "outbox": dg.MetadataValue.json([str(p) for p in report.outbox]),
            "unmailed_categories": dg.MetadataValue.json(report.unmailed_categories),
        }
    )
