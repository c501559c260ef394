"""Quality checks: Great Expectations suites and the reconciliation with the core.

Suites on the raw extracts and on the key marts run as asset checks; the severe ones are
blocking, so a failure stops the assets downstream in the same run (the dbt build after a bad
extract, the published snapshot after a bad mart). The reconciliation compares, day by day, the
warehouse's sales (tickets, totals, units) with the core's. The nightly run validates every row;
in the hourly refresh the fact tables' suites and the reconciliation cover only the days the run
rebuilt (``check_window_start``). A failed check carries one text, ``explanation``: which rows,
which check, what to do; the CLI prints the same text (``EXPLANATION``).
"""

import datetime as dt

import dagster as dg

from pipelines import dbt_project, quality
from pipelines.defs.ops.jobs import recent_days_only
from pipelines.defs.resources import DuckDBWarehouse

# The metadata entry of a failed check that says which rows, which check and what to do.
EXPLANATION = "explanation"


def _window_start(context: dg.AssetCheckExecutionContext, con) -> dt.date | None:
    """The first day to check in the hourly refresh (the days it rebuilt); None: every day."""
    if not recent_days_only(context.run):
        return None
    return dbt_project.check_window_start(con, exclude_run_id=context.run.run_id)


def _asset_key(suite: quality.Suite) -> dg.AssetKey:
    return dg.AssetKey(list(suite.asset_key))


def suite_check(suite: quality.Suite) -> dg.AssetChecksDefinition:
    severity = dg.AssetCheckSeverity.ERROR if suite.blocking else dg.AssetCheckSeverity.WARN

    @dg.asset_check(
        asset=_asset_key(suite),
        name=suite.check_name,
        description=f"Great Expectations: {suite.description}",
        blocking=suite.blocking,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: DuckDBWarehouse):
        with warehouse.connect() as con:
            since = _window_start(context, con) if suite.date_column else None
            result = quality.validate_suite(con, suite, since=since)
        metadata = {
            "rows_validated": dg.MetadataValue.int(result.rows),
            "since": dg.MetadataValue.text(since.isoformat() if since else ""),
            "expectations": dg.MetadataValue.int(result.evaluated),
            "failed_expectations": dg.MetadataValue.int(len(result.failures)),
            "failures": dg.MetadataValue.json(result.failures),
        }
        if not result.success:
            explanation = quality.explain(suite, result)
            context.log.error(explanation)
            metadata[EXPLANATION] = dg.MetadataValue.md(explanation)
        return dg.AssetCheckResult(passed=result.success, severity=severity, metadata=metadata)

    return _check


def reconciliation_check(
    asset: dg.AssetKey, name: str, queries: tuple[str, str], description: str, deps=()
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name=name,
        description=description,
        blocking=True,
        additional_deps=list(deps),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: DuckDBWarehouse):
        # The core's side is what the extract read in its own snapshot: a live read of the core
        # would also count sales committed since with ids below the highest extracted.
        with warehouse.connect() as con:
            since = _window_start(context, con)
            seen = con.execute("select coalesce(max(sale_id), 0) from raw.sales").fetchone()[0]
            ours = quality.warehouse_daily_sales(con, *queries, since=since)
            theirs = quality.extracted_core_daily_sales(con, since=since)
        differences = quality.reconcile(theirs, ours)
        metadata = {
            "days_compared": dg.MetadataValue.int(len(theirs.keys() | ours.keys())),
            "days_different": dg.MetadataValue.int(len(differences)),
            "up_to_sale_id": dg.MetadataValue.int(int(seen)),
            "since": dg.MetadataValue.text(since.isoformat() if since else ""),
            "differences": dg.MetadataValue.json(differences[:20]),
        }
        if differences:
            explanation = quality.explain_reconciliation(
                asset.to_user_string(), name, differences, since
            )
            context.log.error(explanation)
            metadata[EXPLANATION] = dg.MetadataValue.md(explanation)
        return dg.AssetCheckResult(
            passed=not differences, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
        )

    return _check


def _mart_keys() -> set[dg.AssetKey]:
    manifest = dbt_project.load_manifest()
    if not manifest:
        return set()
    translator = dbt_project.make_translator()
    return {translator.get_asset_key(node) for node in dbt_project.mart_nodes(manifest)}


@dg.definitions
def quality_checks() -> dg.Definitions:
    """Suites and reconciliation on the raw extracts, and on the marts the dbt project defines."""
    checks = [suite_check(suite) for suite in quality.RAW_SUITES]
    checks.append(
        reconciliation_check(
            dg.AssetKey(["raw", "sales"]),
            "check_raw_sales_reconciles_with_core",
            quality.RAW_SALES_BY_DAY,
            "Per day, the extracted tickets, totals and units equal the core's.",
            deps=[dg.AssetKey(["raw", "sale_lines"])],
        )
    )
    marts = _mart_keys()
    checks += [suite_check(s) for s in quality.MART_SUITES if _asset_key(s) in marts]
    sales_lines = dg.AssetKey(["marts", "fct_sales_lines"])
    if sales_lines in marts:
        checks.append(
            reconciliation_check(
                sales_lines,
                "check_fct_sales_lines_reconciles_with_core",
                quality.MART_SALES_BY_DAY,
                "Per day, the mart's tickets, totals and units sold equal the core's.",
            )
        )
    return dg.Definitions(asset_checks=checks)
