"""Blocking checks on tonight's plan: nothing negative, nothing absurd, no impossible move.

A failure stops the delivery in the same run, so buyers never receive a plan that fails them.
"""

import dagster as dg

from ml.inventory.sanity import (
    absurd_recommendations,
    impossible_transfers,
    negative_recommendations,
)
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.defs.restock.assets import RECOMMENDATIONS, TRANSFERS, read_plan
from pipelines.ml_tables import ml_asset_key

NO_PLAN = dg.AssetCheckResult(
    passed=False,
    severity=dg.AssetCheckSeverity.WARN,
    description="No hay plan de reposición esta noche: el pronóstico aún no se entrenó.",
)


def _result(problems: list[str], rows: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_checked": dg.MetadataValue.int(rows),
            "problems": dg.MetadataValue.int(len(problems)),
            "examples": dg.MetadataValue.json(problems[:20]),
        },
    )


def _judge(warehouse: DuckDBWarehouse, problems_of, on_transfers: bool = False):
    """Tonight's plan judged by ``problems_of(recs, transfers)``; a warning when there is none."""
    with warehouse.connect() as con:
        plan = read_plan(con)
    if plan is None:
        return NO_PLAN
    recs, transfers, _ = plan
    return _result(problems_of(recs, transfers), len(transfers if on_transfers else recs))


@dg.asset_check(
    asset=ml_asset_key(RECOMMENDATIONS),
    name="check_fct_restock_recommendations_not_negative",
    description="No negative or missing quantity, level or amount.",
    blocking=True,
)
def check_fct_restock_recommendations_not_negative(warehouse: DuckDBWarehouse):
    return _judge(warehouse, lambda recs, _: negative_recommendations(recs))


@dg.asset_check(
    asset=ml_asset_key(RECOMMENDATIONS),
    name="check_fct_restock_recommendations_not_absurd",
    description="Orders in whole packs, never beyond 180 days of demand unless a pack or the "
    "supplier's minimum forces it.",
    blocking=True,
)
def check_fct_restock_recommendations_not_absurd(warehouse: DuckDBWarehouse):
    return _judge(warehouse, lambda recs, _: absurd_recommendations(recs))


@dg.asset_check(
    asset=ml_asset_key(TRANSFERS),
    name="check_fct_transfer_suggestions_possible",
    description="Each transfer moves a positive quantity between two places, within the stock "
    "of the sender.",
    blocking=True,
    additional_deps=[ml_asset_key(RECOMMENDATIONS)],
)
def check_fct_transfer_suggestions_possible(warehouse: DuckDBWarehouse):
    return _judge(
        warehouse, lambda recs, transfers: impossible_transfers(transfers, recs), on_transfers=True
    )
