"""The Dagster code location (``workspace.yaml``): it only assembles.

Every domain folder under ``pipelines/defs/`` (extract, dbt, quality, ops ...) holds its own
assets, checks, jobs, schedules and sensors, found by Dagster's defs-folder loader, so adding a
domain never edits a central list. ``pipelines/defs/resources.py`` binds the resources.
"""

from __future__ import annotations

import warnings

import dagster as dg

from erp_core.paths import PROJECT_ROOT


def build_definitions() -> dg.Definitions:
    import pipelines.defs

    tree = dg.ComponentTree.from_module(defs_module=pipelines.defs, project_root=PROJECT_ROOT)
    with warnings.catch_warnings():
        # The defs-folder loader calls its own preview helpers; nothing for us to act on.
        warnings.simplefilter("ignore", dg.PreviewWarning)
        domains = tree.build_defs()
    return dg.Definitions.merge(
        domains,
        # One writer: the steps of a run share one process (DuckDB admits a single writing
        # process; dbt, the checks and the snapshot open the file in turn).
        dg.Definitions(executor=dg.in_process_executor),
    )


defs = dg.definitions(build_definitions)
