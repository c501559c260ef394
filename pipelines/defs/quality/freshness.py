"""Freshness of the marts: each must have been rebuilt within the last 26 hours (the nightly run
plus slack); the sensor evaluates the checks between runs."""

import datetime as dt
import warnings

import dagster as dg

from pipelines import dbt_project

MARTS_MAX_AGE = dt.timedelta(hours=26)


@dg.definitions
def freshness() -> dg.Definitions:
    manifest = dbt_project.load_manifest()
    if not manifest:
        return dg.Definitions()
    translator = dbt_project.make_translator()
    marts = [translator.get_asset_key(node) for node in dbt_project.mart_nodes(manifest)]
    if not marts:
        return dg.Definitions()
    # Freshness checks, not the newer FreshnessPolicy (still a preview that dagster.yaml must
    # switch on): they show as checks on each mart and fail visibly when the nightly run misses.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        checks = dg.build_last_update_freshness_checks(
            assets=marts, lower_bound_delta=MARTS_MAX_AGE, timezone="America/Lima"
        )
        sensor = dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name="marts_freshness_sensor",
            default_status=dg.DefaultSensorStatus.RUNNING,
        )
    return dg.Definitions(asset_checks=checks, sensors=[sensor])
