"""InnovaLogix Analytics: the entry point. It only sets the page up, draws the shared filters
and routes (``streamlit run dashboards/app.py``)."""

from __future__ import annotations

import streamlit as st

from dashboards import filters, labels, navigation, ui
from dashboards.warehouse import NoSnapshotError

st.set_page_config(
    page_title="InnovaLogix Analytics",
    page_icon=":material/storefront:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Figures to the céntimo must fit a tablet's width (1024 px) beside the sidebar: four to a row,
# eight digits of soles ("S/ 12,345,678.90") each.
st.html("<style>[data-testid='stMetricValue'] { font-size: clamp(1rem, 1.6vw, 2rem); }</style>")

router = st.navigation(navigation.pages_for(navigation.current_role()))

try:
    coverage = ui.coverage()
    labels.STORE_NAMES.update(ui.store_names())
    first_day, last_day = ui.period_bounds(coverage)
    filters.sidebar(ui.options(), first_day, last_day)
except NoSnapshotError:
    st.session_state.pop("filters", None)

router.run()
