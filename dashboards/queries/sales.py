"""Sales measures for the executive pages: totals, their trend and the calendar's events."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries.scope import MEASURES, sales_scope
from dashboards.warehouse import query


def totals(filters: Filters) -> dict[str, float]:
    """Net sales, cost, margin, tickets and units of the filtered period (one row)."""
    scope = sales_scope(filters)
    frame = query(f"select {MEASURES} from {scope.from_sql} where {scope.where_sql}", scope.params)
    row = frame.iloc[0]
    result = {name: float(row[name]) for name in frame.columns}
    return with_ratios(result)


def with_ratios(row: dict[str, float]) -> dict[str, float]:
    """Margin % and average ticket, derived once for every page."""
    net, tickets = row["net_sales_pen"], row["tickets_count"]
    row["margin_pct"] = row["margin_pen"] / net if net else float("nan")
    row["avg_ticket_pen"] = net / tickets if tickets else float("nan")
    return row


def daily(filters: Filters) -> pd.DataFrame:
    """Net sales and margin per day (every day of the period, zero when nothing was sold)."""
    scope = sales_scope(filters)
    return query(
        f"""
        with days as (
            select date_day from marts.dim_date where date_day between ? and ?
        ),
        sold as (
            select l.transaction_date as date_day, {MEASURES}
            from {scope.from_sql}
            where {scope.where_sql}
            group by 1
        )
        select d.date_day,
            coalesce(s.net_sales_pen, 0) as net_sales_pen,
            coalesce(s.margin_pen, 0) as margin_pen,
            coalesce(s.tickets_count, 0) as tickets_count
        from days d left join sold s using (date_day)
        order by d.date_day
        """,
        [filters.start, filters.end, *scope.params],
    )


def calendar_events(start, end) -> pd.DataFrame:
    """Peruvian retail events between two days, one row per event and its first day."""
    return query(
        """
        with tagged as (
            select date_day,
                coalesce(retail_event,
                    case when is_campana_escolar then 'Campaña escolar' end) as event_name
            from marts.dim_date
            where date_day between ? and ?
        )
        select event_name, min(date_day) as first_day, max(date_day) as last_day
        from tagged where event_name is not null
        group by event_name, year(date_day)
        order by first_day
        """,
        [start, end],
    )
