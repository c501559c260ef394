"""The pipeline's recent runs and failed checks, read from the Dagster instance the pipeline
records into (``$INNOVALOGIX_HOME/dagster``); links go to the Dagster UI."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

DAGSTER_URL_DEFAULT = "http://localhost:3000"

STATUS_NAMES = {
    "SUCCESS": "Correcta",
    "FAILURE": "Fallida",
    "STARTED": "En curso",
    "STARTING": "Iniciando",
    "QUEUED": "En cola",
    "CANCELED": "Cancelada",
    "CANCELING": "Cancelando",
    "NOT_STARTED": "Sin iniciar",
}


def dagster_url() -> str:
    return os.environ.get("INNOVALOGIX_DAGSTER_URL", DAGSTER_URL_DEFAULT).rstrip("/")


def _moment(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else None


@st.cache_data(ttl=30, show_spinner="Leyendo las ejecuciones del pipeline…")
def recent_runs(limit: int = 20) -> pd.DataFrame:
    """The last runs: job, status, start, end, duration and a link to each in the UI."""
    from pipelines.runner import local_instance

    base = dagster_url()
    rows = []
    with local_instance() as instance:
        for record in instance.get_run_records(limit=limit):
            run = record.dagster_run
            started, ended = _moment(record.start_time), _moment(record.end_time)
            rows.append(
                {
                    "run_id": run.run_id,
                    "job_name": run.job_name,
                    "status": STATUS_NAMES.get(run.status.value, run.status.value),
                    "started_at": started,
                    "ended_at": ended,
                    "duration_s": (ended - started).total_seconds() if started and ended else None,
                    "link": f"{base}/runs/{run.run_id}",
                }
            )
    return pd.DataFrame(
        rows,
        columns=["run_id", "job_name", "status", "started_at", "ended_at", "duration_s", "link"],
    )


@st.cache_data(ttl=30, show_spinner=False)
def failed_checks(run_ids: tuple[str, ...]) -> pd.DataFrame:
    """Checks that did not pass in the given runs (asset, check, severity, run, link)."""
    import dagster as dg

    from pipelines.runner import local_instance

    base = dagster_url()
    rows = []
    with local_instance() as instance:
        for run_id in run_ids:
            records = instance.get_records_for_run(
                run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000
            ).records
            for record in records:
                evaluation = record.event_log_entry.dagster_event.event_specific_data
                if evaluation.passed:
                    continue
                asset = "/".join(evaluation.asset_key.path)
                rows.append(
                    {
                        "asset": asset,
                        "check_name": evaluation.check_name,
                        "severity": evaluation.severity.value,
                        "run_id": run_id,
                        "evaluated_at": _moment(record.event_log_entry.timestamp),
                        "description": evaluation.description or "",
                        "link": f"{base}/assets/{asset}?view=checks",
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "asset",
            "check_name",
            "severity",
            "run_id",
            "evaluated_at",
            "description",
            "link",
        ],
    )


@st.cache_data(ttl=30, show_spinner=False)
def checks_summary(run_id: str) -> tuple[int, int]:
    """(passed, failed) checks of one run."""
    import dagster as dg

    from pipelines.runner import local_instance

    with local_instance() as instance:
        records = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000
        ).records
    passed = sum(1 for r in records if r.event_log_entry.dagster_event.event_specific_data.passed)
    return passed, len(records) - passed
