"""Charts with one look: a colour-blind-safe palette (Okabe–Ito), titles, axes with units."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",
)
PRIMARY, SECONDARY, POSITIVE, ACCENT = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
NEGATIVE = PALETTE[5]
MONEY_AXIS = "'S/ ' + format(datum.value, ',.0f')"
MONEY_TOOLTIP = ",.2f"
DATE_AXIS = "%d/%m/%Y"


def money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=MONEY_AXIS)


def bar_by_member(
    frame: pd.DataFrame,
    *,
    title: str,
    value: str,
    value_title: str,
    key: str = "member_key",
    label: str = "member_label",
    selection_name: str = "pick",
    limit: int = 25,
) -> alt.Chart:
    """Horizontal bars, largest first, a click selects one member (for drill-down)."""
    top = frame.nlargest(limit, value) if len(frame) > limit else frame
    pick = alt.selection_point(name=selection_name, fields=[key], on="click")
    return (
        alt.Chart(top, title=alt.Title(title))
        .mark_bar(color=PRIMARY, cursor="pointer")
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", axis=money_axis(value_title)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Miembro"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=MONEY_TOOLTIP),
            ],
        )
        .add_params(pick)
        .properties(height=alt.Step(30))
    )


def trend_with_band(
    actual: pd.DataFrame,
    forecast: pd.DataFrame | None,
    events: pd.DataFrame,
    *,
    title: str,
) -> alt.LayerChart | alt.Chart:
    """Daily net sales, the forecast band ahead and the retail calendar's events."""
    x_axis = alt.Axis(title="Fecha", format=DATE_AXIS, labelAngle=-30)
    line = (
        alt.Chart(actual)
        .mark_line(color=PRIMARY, point=alt.OverlayMarkDef(size=18, color=PRIMARY))
        .encode(
            x=alt.X("date_day:T", axis=x_axis),
            y=alt.Y("net_sales_pen:Q", axis=money_axis("Venta neta (S/)")),
            tooltip=[
                alt.Tooltip("date_day:T", title="Fecha", format=DATE_AXIS),
                alt.Tooltip("net_sales_pen:Q", title="Venta neta (S/)", format=MONEY_TOOLTIP),
            ],
        )
    )
    layers: list[alt.Chart] = []
    if forecast is not None and not forecast.empty:
        band = (
            alt.Chart(forecast)
            .mark_area(color=SECONDARY, opacity=0.25)
            .encode(
                x=alt.X("date_day:T", axis=x_axis),
                y=alt.Y("p10_pen:Q", axis=money_axis("Venta neta (S/)")),
                y2="p90_pen:Q",
                tooltip=[
                    alt.Tooltip("date_day:T", title="Semana desde", format=DATE_AXIS),
                    alt.Tooltip("p10_pen:Q", title="P10 (S/)", format=MONEY_TOOLTIP),
                    alt.Tooltip("p90_pen:Q", title="P90 (S/)", format=MONEY_TOOLTIP),
                ],
            )
        )
        point = (
            alt.Chart(forecast)
            .mark_line(color=SECONDARY, strokeDash=[6, 3])
            .encode(x="date_day:T", y="forecast_pen:Q")
        )
        layers += [band, point]
    layers.append(line)
    if not events.empty:
        rules = (
            alt.Chart(events)
            .mark_rule(color=ACCENT, strokeDash=[2, 2])
            .encode(
                x="first_day:T",
                tooltip=[
                    alt.Tooltip("event_name:N", title="Evento"),
                    alt.Tooltip("first_day:T", title="Desde", format=DATE_AXIS),
                    alt.Tooltip("last_day:T", title="Hasta", format=DATE_AXIS),
                ],
            )
        )
        names = (
            alt.Chart(events)
            .mark_text(align="left", dx=3, dy=-4, color=ACCENT, fontSize=11)
            .encode(x="first_day:T", y=alt.value(8), text="event_name:N")
        )
        layers += [rules, names]
    return alt.layer(*layers, title=alt.Title(title)).properties(height=320)


def pareto(frame: pd.DataFrame, *, label: str, title: str) -> alt.LayerChart:
    """Margin per member (bars, coloured by ABC class) and its cumulative share (line)."""
    base = alt.Chart(frame, title=alt.Title(title)).encode(
        x=alt.X(f"{label}:N", sort=None, title=None, axis=alt.Axis(labels=False, ticks=False))
    )
    bars = base.mark_bar().encode(
        y=alt.Y("margin_pen:Q", axis=money_axis("Margen (S/)")),
        color=alt.Color(
            "abc_class:N",
            title="Clase",
            scale=alt.Scale(domain=["A", "B", "C"], range=[PRIMARY, SECONDARY, NEGATIVE]),
        ),
        tooltip=[
            alt.Tooltip(f"{label}:N", title="Miembro"),
            alt.Tooltip("margin_pen:Q", title="Margen (S/)", format=MONEY_TOOLTIP),
            alt.Tooltip("cumulative_share:Q", title="% acumulado", format=".1%"),
        ],
    )
    line = base.mark_line(color="#000000").encode(
        y=alt.Y(
            "cumulative_share:Q",
            axis=alt.Axis(title="Margen acumulado (%)", format="%"),
        )
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=300)
