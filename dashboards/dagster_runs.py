"""The pipeline's recent runs and failed checks, read from the Dagster instance the pipeline
records into (``$INNOVALOGIX_HOME/dagster``); links go to the Dagster UI."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

DAGSTER_URL_DEFAULT = "http://localhost:3000"
CHECK_EVENTS_LIMIT = 10_000

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
RUN_COLUMNS = ["run_id", "job_name", "status", "started_at", "ended_at", "duration_s", "link"]
CHECK_COLUMNS = [
    "asset",
    "check_name",
    "severity",
    "run_id",
    "evaluated_at",
    "description",
    "link",
]


def dagster_url() -> str:
    return os.environ.get("INNOVALOGIX_DAGSTER_URL", DAGSTER_URL_DEFAULT).rstrip("/")


@st.cache_resource(show_spinner="Abriendo la instancia de Dagster…")
def _instance(home: str):
    """One Dagster instance per process and home (opening one costs seconds)."""
    from pipelines.runner import local_instance

    return local_instance()


def _home() -> str:
    from erp_core.settings import get_settings

    return str(get_settings().home)


def instance():
    return _instance(_home())


def _moment(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else None


def _check_records(run_id: str) -> list:
    import dagster as dg

    return (
        instance()
        .get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=CHECK_EVENTS_LIMIT
        )
        .records
    )


def recent_runs(limit: int = 20) -> pd.DataFrame:
    """The last runs: job, status, start, end, duration and a link to each in the UI."""
    return _recent_runs(_home(), limit)


@st.cache_data(ttl=60, show_spinner="Leyendo las ejecuciones del pipeline…")
def _recent_runs(home: str, limit: int) -> pd.DataFrame:
    """Cached per home: a process serving another home must not show this one's runs."""
    base = dagster_url()
    rows = []
    for record in instance().get_run_records(limit=limit):
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
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


@st.cache_data(ttl=60, show_spinner=False)
def failed_checks(run_ids: tuple[str, ...]) -> pd.DataFrame:
    """Checks that did not pass in the given runs (asset, check, severity, run, link)."""
    base = dagster_url()
    rows = []
    for run_id in run_ids:
        for record in _check_records(run_id):
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
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


@st.cache_data(ttl=60, show_spinner=False)
def checks_summary(run_id: str) -> tuple[int, int]:
    """(passed, failed) checks of one run."""
    records = _check_records(run_id)
    passed = sum(1 for r in records if r.event_log_entry.dagster_event.event_specific_data.passed)
    return passed, len(records) - passed
