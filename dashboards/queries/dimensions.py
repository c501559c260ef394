"""What the filters offer, and the period the snapshot covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboards.warehouse import query


@dataclass(frozen=True)
class Coverage:
    first_day: dt.date | None
    last_day: dt.date | None
    sales_lines: int


def coverage() -> Coverage:
    row = query(
        "select min(transaction_date) as first_day, max(transaction_date) as last_day, "
        "count(*) as lines from marts.fct_sales_lines"
    ).iloc[0]
    first, last = row["first_day"], row["last_day"]
    return Coverage(
        first_day=None if first is None or first != first else first.date(),
        last_day=None if last is None or last != last else last.date(),
        sales_lines=int(row["lines"]),
    )


def filter_options() -> dict[str, list[str]]:
    stores = query(
        "select store_code, store_name, region from marts.dim_store "
        "where not is_warehouse order by store_code"
    )
    products = query(
        "select distinct department_name, category_name from marts.dim_product "
        "order by department_name, category_name"
    )
    # The channels from the tickets (1.8M rows on a medium chain), not the 5.2M sales lines
    # (half the time): every line is in its ticket, with the ticket's channel (both come from
    # int_sales__lines_and_returns).
    channels = query(
        "select distinct channel from marts.fct_customer_transactions order by channel"
    )
    payments = query(
        "select distinct main_payment_method_code as code from marts.fct_customer_transactions "
        "where main_payment_method_code is not null order by 1"
    )
    return {
        "regions": sorted(stores["region"].dropna().unique().tolist()),
        "stores": stores["store_code"].tolist(),
        "departments": sorted(products["department_name"].dropna().unique().tolist()),
        "categories": sorted(products["category_name"].dropna().unique().tolist()),
        "channels": channels["channel"].dropna().tolist(),
        "payments": payments["code"].tolist(),
    }


def store_names() -> dict[str, str]:
    stores = query("select store_code, store_name from marts.dim_store order by store_code")
    return {
        row.store_code: f"{row.store_code} · {row.store_name}"
        for row in stores.itertuples(index=False)
    }
