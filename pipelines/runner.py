"""Run the asset graph in this process, without the UI: what ``innovalogix pipeline run`` and
the tests use. Same definitions, same jobs as the code location; runs are recorded in the
Dagster instance of ``$INNOVALOGIX_HOME/dagster`` (its storage on Postgres), so the UI shows
them too."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import dagster as dg

from pipelines import dagster_storage, dbt_project

DEFAULT_JOB = "materialize_all_job"

# The Dagster instance (on Postgres, see pipelines.dagster_storage) the CLI, `dagster dev` and
# the dashboards share.
dagster_home = dagster_storage.dagster_home
local_instance = dagster_storage.local_instance


@dataclass
class Progress:
    """What a run has done so far (for a progress display)."""

    total_assets: int
    materialized: set[str] = field(default_factory=set)
    running: set[str] = field(default_factory=set)
    failed_steps: list[str] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    finished: bool = False


def _run_config(job: dg.JobDefinition, full_refresh: bool, log_level: str) -> dict:
    ops: dict[str, dict] = {}
    if full_refresh:
        node_names = {node.name for node in job.graph.nodes}
        ops = {
            name: {"config": {"full_refresh": True}}
            for name in ("extract_core_tables", "dbt_models")
            if name in node_names
        }
    return {"ops": ops, "loggers": {"console": {"config": {"log_level": log_level}}}}


_FOLLOWED = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_SKIPPED,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}


class _EventFollower:
    """Reads a run's new events since the last poll into ``progress``.

    Only the new ones: reading the whole log on every poll cost a core by the end of a nightly
    run (thousands of events read again three times a second).
    """

    def __init__(self, instance: dg.DagsterInstance, run_id: str, progress: Progress):
        self.instance, self.run_id, self.progress = instance, run_id, progress
        self.cursor: str | None = None

    def poll(self) -> None:
        while True:
            page = self.instance.get_records_for_run(
                self.run_id, cursor=self.cursor, of_type=_FOLLOWED, limit=1000
            )
            for record in page.records:
                self._apply(record.event_log_entry.dagster_event)
            self.cursor = page.cursor or self.cursor
            if not page.has_more:
                return

    def _apply(self, event: dg.DagsterEvent | None) -> None:
        if event is None:
            return
        progress, kind = self.progress, event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            progress.running.add(event.step_key or "")
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_SKIPPED):
            progress.running.discard(event.step_key or "")
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            progress.running.discard(event.step_key or "")
            progress.failed_steps.append(event.step_key or "")
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            progress.materialized.add(event.asset_key.to_user_string())
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                progress.checks_passed += 1
            else:
                progress.checks_failed.append(evaluation.asset_check_key.to_user_string())


def run_graph(
    job_name: str = DEFAULT_JOB,
    *,
    full_refresh: bool = False,
    asset_selection: Sequence[dg.AssetKey] | None = None,
    instance: dg.DagsterInstance | None = None,
    prepare_dbt: bool = True,
    log_level: str = "WARNING",
    on_progress: Callable[[Progress], None] | None = None,
    poll_seconds: float = 0.3,
) -> dg.ExecuteInProcessResult:
    """Materialize ``job_name`` (default: the whole graph) in process and return the result.

    Args:
        job_name: a job of the code location.
        full_refresh: reload every table whole and rebuild the incremental models.
        asset_selection: only these assets (and their checks).
        instance: where the run is recorded; default the instance under $INNOVALOGIX_HOME.
        prepare_dbt: run ``dbt parse`` first so the run reflects the current models (skipped
            when the manifest is current, see ``dbt_project.prepare``).
        log_level: of Dagster's console logger.
        on_progress: called from a polling thread while the run goes, and once at the end.
        poll_seconds: how often progress is polled.
    """
    if prepare_dbt:
        dbt_project.prepare()
    from pipelines.definitions import build_definitions

    job = build_definitions().resolve_job_def(job_name)
    instance = instance or local_instance()
    run_id = str(uuid.uuid4())
    selected = asset_selection or list(job.asset_layer.executable_asset_keys)
    progress = Progress(total_assets=len(selected))
    stop = threading.Event()
    follower = _EventFollower(instance, run_id, progress)

    def poll() -> None:
        while not stop.wait(poll_seconds):
            follower.poll()
            on_progress(progress)

    poller = threading.Thread(target=poll, daemon=True) if on_progress else None
    if poller:
        poller.start()
    try:
        return job.execute_in_process(
            run_config=_run_config(job, full_refresh, log_level),
            instance=instance,
            asset_selection=list(asset_selection) if asset_selection else None,
            run_id=run_id,
            raise_on_error=False,
        )
    finally:
        stop.set()
        if poller:
            poller.join()
            follower.poll()
            progress.finished = True
            on_progress(progress)
