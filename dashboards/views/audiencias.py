"""Audiencias: choose segments, see how many consenting customers they hold, and export them
through the core (which records the export in its access log, Ley 29733)."""

from __future__ import annotations

import streamlit as st

from dashboards import audiences, formatting, ui
from dashboards.queries import customers

filters = ui.header(
    "Audiencias",
    "Elija segmentos para una campaña. El conteo sale de la copia publicada; la exportación la "
    "arma el sistema central, que vuelve a verificar el consentimiento en ese momento y deja "
    "constancia de quién exportó y para qué. Los contactos salen como hash SHA-256.",
)
if not ui.model_table_ready(customers.segments_table(), "La segmentación de clientes"):
    st.stop()

summary = customers.segment_summary()
names = dict(zip(summary["segment_name"], summary["segment_id"], strict=True))
chosen = st.multiselect("Segmentos", list(names), key="audience_segments", placeholder="Elija")
picked = summary[summary["segment_name"].isin(chosen)]
cols = st.columns(2)
cols[0].metric("Clientes en los segmentos", formatting.integer(picked["customers_count"].sum()))
cols[1].metric(
    "Con consentimiento de marketing",
    formatting.integer(picked["marketable_count"].sum()),
    help="Según la copia publicada; el sistema central vuelve a verificarlo al exportar.",
)
if not picked.empty:
    ui.table(
        picked[["segment_name", "customers_count", "marketable_count"]],
        column_config={
            "segment_name": "Segmento",
            "customers_count": ui.int_column("Clientes"),
            "marketable_count": ui.int_column("Con consentimiento"),
        },
    )

with st.form("audience_export"):
    reason = st.text_input("Motivo (campaña)", help="Queda registrado con la exportación.")
    submitted = st.form_submit_button("Exportar audiencia", icon=":material/ios_share:")
if submitted:
    if not chosen:
        st.warning("Elija al menos un segmento.", icon=":material/warning:")
    elif not reason.strip():
        st.warning("Indique el motivo de la exportación.", icon=":material/warning:")
    else:
        try:
            done = audiences.export(chosen, reason)
        except Exception as error:  # the core's refusal or an unreachable core, said plainly
            st.error(f"No se pudo exportar: {error}", icon=":material/error:")
        else:
            st.session_state["audience_export_done"] = done
done = st.session_state.get("audience_export_done")
if done is not None:
    st.success(
        f"Exportación #{done.export_id}: {done.rows:,} clientes con consentimiento vigente de "
        f"{done.members:,} en los segmentos; {done.excluded:,} excluidos.",
        icon=":material/check:",
    )
    st.download_button(
        "Descargar audiencia (CSV)",
        data=done.csv_bytes,
        file_name=f"audiencia_{done.export_id}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
