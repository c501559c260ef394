"""What every page shares: its header with the snapshot's date, clear empty states, and the
column formats of tables."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import filters as shared_filters
from dashboards import formatting
from dashboards.queries import dimensions
from dashboards.warehouse import NoSnapshotError, current

NO_SNAPSHOT = (
    "Todavía no hay datos publicados: el tablero lee la copia de solo lectura que publica el "
    "pipeline al terminar. Ejecute `make pipeline` (o `make demo`) y vuelva a cargar la página."
)
NO_SALES = "No hay ventas en el periodo y los filtros elegidos. Amplíe el periodo o quite filtros."


def coverage() -> dimensions.Coverage:
    return dimensions.coverage()


def options() -> dict[str, list[str]]:
    return dimensions.filter_options()


def store_names() -> dict[str, str]:
    return dimensions.store_names()


def period_bounds(cov: dimensions.Coverage) -> tuple[dt.date, dt.date]:
    """The days the date filter may take: the sales the snapshot holds (today if none)."""
    if cov.last_day is None:
        today = dt.datetime.now(formatting.LIMA).date()
        return today, today
    return cov.first_day, cov.last_day


def header(title: str, intro: str | None = None) -> shared_filters.Filters:
    """Title, "datos al …" and the active filters; stops the page when nothing is published."""
    st.title(title)
    try:
        snapshot = current()
    except NoSnapshotError:
        st.info(NO_SNAPSHOT, icon=":material/hourglass_empty:")
        st.stop()
    cov = dimensions.coverage()
    sales_to = (
        f" · ventas hasta el {formatting.date(cov.last_day)}" if cov.last_day else " · sin ventas"
    )
    filters = shared_filters.current()
    st.caption(
        f"Datos al {formatting.datetime(snapshot.published_at)} (hora de Lima){sales_to} · "
        f"{filters.describe()}"
    )
    if intro:
        st.markdown(intro)
    return filters


def table(data, **options):
    """``st.dataframe`` as every page shows one: no index, the page's width, and a missing
    value (None, NaN, NaT) as an em dash, never the word "None" Streamlit writes by default."""
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options.setdefault("placeholder", formatting.DASH)
    return st.dataframe(data, **options)


def money_column(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=formatting.MONEY_FORMAT, help=help)


def qty_column(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%,.2f", help=help)


def int_column(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%,d", help=help)


def pct_column(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    """For ratios already multiplied by 100."""
    return st.column_config.NumberColumn(label, format=formatting.PCT_FORMAT, help=help)


def date_column(label: str) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format=formatting.DATE_FORMAT)


def datetime_column(label: str) -> st.column_config.DatetimeColumn:
    return st.column_config.DatetimeColumn(
        label, format=formatting.DATETIME_FORMAT, timezone="America/Lima"
    )


def missing_table(what: str, table: str) -> None:
    """The clear message for a page whose model output is not in the snapshot yet."""
    st.info(
        f"{what} todavía no está disponible: la tabla `{table}` no está en la copia publicada "
        "o está vacía. Aparecerá aquí después de la próxima ejecución nocturna del pipeline.",
        icon=":material/hourglass_empty:",
    )


def model_table_ready(resolved, what: str) -> bool:
    """Say clearly why a model's table can't be shown yet; True when it can."""
    if resolved.usable:
        return True
    table = f"ml.{resolved.table}"
    if not resolved.present or resolved.rows == 0:
        missing_table(what, table)
    else:
        st.warning(
            f"{what}: la tabla `{table}` no tiene las columnas esperadas "
            f"({'; '.join(resolved.missing)}).",
            icon=":material/warning:",
        )
    return False
