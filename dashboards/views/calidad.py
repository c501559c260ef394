"""Calidad de datos: freshness of each mart, the last pipeline runs and the failed checks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import dagster_runs, formatting, ui
from dashboards.queries import quality
from dashboards.warehouse import current

filters = ui.header("Calidad de datos")
snapshot = current()
base = dagster_runs.dagster_url()
st.markdown(
    f"Interfaz de Dagster: [{base}]({base}) · "
    f"[catálogo de activos]({base}/assets) · [ejecuciones]({base}/runs)"
)

st.subheader("Frescura de cada tabla publicada")
fresh = quality.freshness()
published_day = formatting.to_lima(snapshot.published_at).date()
fresh["lag_days"] = [
    max((published_day - day).days, 0) if isinstance(day, dt.date) else None
    for day in fresh["latest_day"]
]
fresh["link"] = [f"{base}/assets/{name.replace('.', '/')}" for name in fresh["table_name"]]
stale = fresh[fresh["lag_days"].astype("Float64").fillna(0) > 2]
empty = fresh[fresh["row_count"] == 0]
cols = st.columns(3)
cols[0].metric("Tablas publicadas", formatting.integer(len(fresh)))
cols[1].metric("Con más de 2 días de atraso", formatting.integer(len(stale)))
cols[2].metric("Vacías", formatting.integer(len(empty)))
ui.table(
    fresh,
    column_order=["table_name", "row_count", "latest_day", "lag_days", "published_at", "link"],
    column_config={
        "table_name": "Tabla",
        "row_count": ui.int_column("Filas"),
        "latest_day": ui.date_column("Último día con datos"),
        "lag_days": ui.int_column("Días de atraso", "Días entre el último dato y la publicación."),
        "published_at": ui.datetime_column("Publicada"),
        "link": st.column_config.LinkColumn("En Dagster", display_text="abrir"),
    },
)

st.subheader("Últimas ejecuciones del pipeline")
try:
    runs = dagster_runs.recent_runs()
except Exception as error:  # the instance may be missing or locked: say so, keep the page
    st.warning(f"No se pudo leer la instancia de Dagster: {error}", icon=":material/warning:")
    runs = pd.DataFrame()
if runs.empty:
    st.info("No hay ejecuciones registradas en la instancia de Dagster.", icon=":material/info:")
else:
    last = runs.iloc[0]
    passed, failed = dagster_runs.checks_summary(last["run_id"])
    cols = st.columns(3)
    cols[0].metric("Última ejecución", last["status"])
    cols[1].metric("Controles correctos", formatting.integer(passed))
    cols[2].metric("Controles fallidos", formatting.integer(failed))
    ui.table(
        runs,
        column_config={
            "run_id": "Ejecución",
            "job_name": "Job",
            "status": "Estado",
            "started_at": ui.datetime_column("Inicio"),
            "ended_at": ui.datetime_column("Fin"),
            "duration_s": st.column_config.NumberColumn("Duración (s)", format="%,.0f"),
            "link": st.column_config.LinkColumn("En Dagster", display_text="abrir"),
        },
    )
    st.subheader("Controles fallidos (últimas 5 ejecuciones)")
    failures = dagster_runs.failed_checks(tuple(runs["run_id"].head(5)))
    if failures.empty:
        st.success("Ningún control falló en las últimas ejecuciones.", icon=":material/check:")
    else:
        ui.table(
            failures,
            column_config={
                "asset": "Activo",
                "check_name": "Control",
                "severity": "Severidad",
                "run_id": "Ejecución",
                "evaluated_at": ui.datetime_column("Evaluado"),
                "description": "Detalle",
                "link": st.column_config.LinkColumn("En Dagster", display_text="abrir"),
            },
        )
