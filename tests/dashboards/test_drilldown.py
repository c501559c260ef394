"""Drill-down from the chain to one ticket's lines with filters active: every level adds up to
its parent, honours every filter, and the kardex rows are the product's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dashboards import formatting
from dashboards.queries.drill import LEVELS
from tests.dashboards.conftest import snapshot


def _param(app, key: str) -> list[str]:
    """A query parameter's values as the URL carries them (AppTest gives one as a string)."""
    value = app.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def _totals(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _members(app):
    frames = [d.value for d in app.dataframe if "member_key" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def _independent_net_sales(home, start, end, payment, department, path) -> Decimal:
    """The same scope written again by hand, straight from the snapshot's marts."""
    clauses = ["l.transaction_date between ? and ?", "t.main_payment_method_code = ?"]
    params = [start, end, payment]
    clauses.append("p.department_name = ?")
    params.append(department)
    columns = {
        "region": "s.region",
        "store": "s.store_code",
        "department": "p.department_name",
        "category": "p.category_name",
        "product": "p.sku",
        "ticket": "case when l.is_return then 'R-' || l.return_id else 'S-' || l.sale_id end",
    }
    for level, member in path.items():
        clauses.append(f"{columns[level]} = ?")
        params.append(member)
    with snapshot(home) as con:
        return con.execute(
            f"""
            select coalesce(sum(l.net_sales_pen), 0)
            from marts.fct_sales_lines l
            join marts.dim_store s using (store_id)
            join marts.dim_product p using (product_id)
            join marts.fct_customer_transactions t
                on t.transaction_type = 'sale' and t.sale_id = l.sale_id
            where {" and ".join(clauses)}
            """,
            params,
        ).fetchone()[0]


def test_drill_from_chain_to_a_ticket_keeps_totals_and_filters(open_page, demo_warehouse):
    home = demo_warehouse.home
    end = demo_warehouse.end_date
    start = end - dt.timedelta(days=20)
    with snapshot(home) as con:
        department = con.execute(
            "select p.department_name from marts.fct_sales_lines l join marts.dim_product p "
            "using (product_id) group by 1 order by sum(l.net_sales_pen) desc limit 1"
        ).fetchone()[0]
    params = {
        "desde": start.isoformat(),
        "hasta": end.isoformat(),
        "pago": "cash",
        "departamento": department,
    }
    app = open_page("pages/drilldown.py", params)
    path: dict[str, str] = {}
    parent_net = Decimal(str(_independent_net_sales(home, start, end, "cash", department, path)))
    assert _totals(app)["Venta neta"] == formatting.money(parent_net)
    for level in LEVELS:
        members = _members(app)
        assert not members.empty, level
        # The members of a level add up to their parent, to the céntimo.
        assert formatting.money(members["net_sales_pen"].sum()) == formatting.money(parent_net)
        # Go down through a sale (returns have no lines under the cash filter's tickets).
        candidates = members[members["member_key"].astype(str).str.startswith("S-")]
        row = (candidates if level == "ticket" else members).iloc[0]
        path[level] = str(row["member_key"])
        app.query_params[f"d_{level}"] = path[level]
        app.run()
        assert not app.exception, level
        expected = _independent_net_sales(home, start, end, "cash", department, path)
        assert _totals(app)["Venta neta"] == formatting.money(expected), level
        assert formatting.money(row["net_sales_pen"]) == formatting.money(expected), level
        parent_net = Decimal(str(expected))
        if level == "product":
            _assert_kardex_is_the_products(app, home, start, end, path)

    # The bottom: the ticket's lines in scope add up to the ticket's total.
    lines = app.dataframe[0].value
    assert formatting.money(lines["net_sales_pen"].sum()) == formatting.money(parent_net)
    assert set(lines["sku"]) == {path["product"]}
    assert _totals(app)["Tickets"] == "1"

    # The breadcrumb goes back up to the chain, the filters still in place.
    app.button(key="crumb_chain").click().run()
    assert "d_region" not in app.query_params
    assert _param(app, "pago") == ["cash"]
    chain = _independent_net_sales(home, start, end, "cash", department, {})
    assert _totals(app)["Venta neta"] == formatting.money(chain)


def _assert_kardex_is_the_products(app, home, start, end, path) -> None:
    kardex = app.dataframe[-1].value
    with snapshot(home) as con:
        expected = con.execute(
            """
            select count(*), coalesce(sum(k.in_qty), 0) - coalesce(sum(k.out_qty), 0)
            from marts.fct_inventory_movements k
            join marts.dim_store s using (store_id) join marts.dim_product p using (product_id)
            where k.movement_date between ? and ? and p.sku = ? and s.store_code = ?
            """,
            [start, end, path["product"], path["store"]],
        ).fetchone()
    assert len(kardex) == min(expected[0], 500)
    assert set(kardex["store_code"]) <= {path["store"]}
    if expected[0] <= 500:
        moved = kardex["in_qty"].fillna(0).sum() - kardex["out_qty"].fillna(0).sum()
        assert float(moved) == float(expected[1])
