"""The shared filters: one set for every page, kept in the URL so a view can be shared as a link.

They are drawn in the entry point's sidebar (so they survive page switches) and written back to
``st.query_params`` on every run; a link opened later starts from the values it carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import streamlit as st

from dashboards import labels

DEFAULT_DAYS = 28

# Filter field -> query parameter.
PARAMS = {
    "regions": "region",
    "stores": "tienda",
    "departments": "departamento",
    "categories": "categoria",
    "channels": "canal",
    "payments": "pago",
}
START_PARAM, END_PARAM = "desde", "hasta"


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    regions: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    payments: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, days: int) -> Filters:
        """The same filters over the period ``days`` earlier."""
        delta = dt.timedelta(days=days)
        return replace(self, start=self.start - delta, end=self.end - delta)

    def previous_period(self) -> Filters:
        return self.shifted(self.days)

    def last_year(self) -> Filters:
        """52 weeks earlier: the same weekdays, as retail compares."""
        return self.shifted(364)

    def to_query_params(self) -> dict[str, str | list[str]]:
        params: dict[str, str | list[str]] = {
            START_PARAM: self.start.isoformat(),
            END_PARAM: self.end.isoformat(),
        }
        for name, key in PARAMS.items():
            values = getattr(self, name)
            if values:
                params[key] = list(values)
        return params

    def describe(self) -> str:
        """One line naming the active filters (for captions and downloads)."""
        from dashboards import formatting

        parts = [f"{formatting.date(self.start)} – {formatting.date(self.end)}"]
        for field in fields(self):
            if field.name in PARAMS and getattr(self, field.name):
                names = ", ".join(labels.value(field.name, v) for v in getattr(self, field.name))
                parts.append(f"{labels.FILTER_NAMES[field.name]}: {names}")
        return " · ".join(parts)


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def from_query_params(
    params: Mapping[str, list[str]],
    options: Mapping[str, list[str]],
    first_day: dt.date,
    last_day: dt.date,
) -> Filters:
    """Filters a link carries, keeping only values that exist (a stale link still opens)."""
    start = _parse_date((params.get(START_PARAM) or [None])[0])
    end = _parse_date((params.get(END_PARAM) or [None])[0])
    default_start = max(first_day, last_day - dt.timedelta(days=DEFAULT_DAYS - 1))
    start = min(max(start or default_start, first_day), last_day)
    end = min(max(end or last_day, start), last_day)
    chosen = {
        name: tuple(v for v in params.get(key, []) if v in options.get(name, []))
        for name, key in PARAMS.items()
    }
    return Filters(start=start, end=end, **chosen)


def _query_params_now() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def write_query_params(filters: Filters) -> None:
    """Mirror the filters into the URL, keeping parameters other pages own (the drill path).

    One message for the whole change: setting keys one by one shows the browser every
    intermediate URL (a link copied then would carry half the filters)."""
    wanted = filters.to_query_params()
    now = _query_params_now()
    ours = [START_PARAM, END_PARAM, *PARAMS.values()]
    merged = {key: value for key, value in now.items() if key not in ours}
    merged.update({key: value for key, value in wanted.items() if key in ours})
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in merged.items()}
    if as_lists != now:
        st.query_params.from_dict(merged)


def sidebar(options: Mapping[str, list[str]], first_day: dt.date, last_day: dt.date) -> Filters:
    """Draw the filters in the sidebar and return them (first run: from the URL)."""
    if "filters_loaded" not in st.session_state:
        initial = from_query_params(_query_params_now(), options, first_day, last_day)
        st.session_state["f_dates"] = (initial.start, initial.end)
        for name in PARAMS:
            st.session_state[f"f_{name}"] = list(getattr(initial, name))
        st.session_state["filters_loaded"] = True

    _keep_valid(options, first_day, last_day)
    with st.sidebar:
        st.subheader("Filtros")
        picked = st.date_input(
            "Periodo",
            key="f_dates",
            min_value=first_day,
            max_value=last_day,
            format="DD/MM/YYYY",
            help="Fechas de venta (hora de Lima).",
        )
        for name in PARAMS:
            st.multiselect(
                labels.FILTER_NAMES[name],
                options=options.get(name, []),
                key=f"f_{name}",
                format_func=lambda value, name=name: labels.value(name, value),
                placeholder="Todos",
            )
        st.button(
            "Limpiar filtros",
            width="stretch",
            on_click=_clear,
            args=(options, first_day, last_day),
        )

    picked = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    start = picked[0] if picked and picked[0] else first_day
    end = picked[1] if len(picked) > 1 and picked[1] else start  # while picking the range
    current = Filters(
        start=start,
        end=end,
        **{name: tuple(st.session_state.get(f"f_{name}", [])) for name in PARAMS},
    )
    st.session_state["filters"] = current
    write_query_params(current)
    return current


def _clear(options: Mapping[str, list[str]], first_day: dt.date, last_day: dt.date) -> None:
    """Back to the default period and no filter (a callback: runs before the widgets exist)."""
    for name in PARAMS:
        st.session_state[f"f_{name}"] = []
    default = from_query_params({}, options, first_day, last_day)
    st.session_state["f_dates"] = (default.start, default.end)


def _keep_valid(options: Mapping[str, list[str]], first_day: dt.date, last_day: dt.date) -> None:
    """Drop chosen values a newer snapshot no longer has, and keep the period inside its days
    (a widget refuses a value outside its options or bounds)."""
    for name in PARAMS:
        key = f"f_{name}"
        chosen = st.session_state.get(key, [])
        kept = [v for v in chosen if v in options.get(name, [])]
        if kept != chosen:
            st.session_state[key] = kept
    dates = tuple(st.session_state.get("f_dates") or ())
    clamped = tuple(min(max(d, first_day), last_day) for d in dates if d)
    if clamped != dates:
        st.session_state["f_dates"] = clamped or (first_day, last_day)


def current() -> Filters:
    """The filters the entry point drew on this run."""
    return st.session_state["filters"]
