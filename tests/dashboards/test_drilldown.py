"""Drill-down from the chain to one ticket's lines with filters active: every level adds up to
its parent, honours every filter, and the kardex rows are the product's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dashboards import formatting
from dashboards.queries.drill import LEVEL_NAMES, LEVELS
from tests.dashboards.conftest import snapshot


def _param(app, key: str) -> list[str]:
    """A query parameter's values as the URL carries them (AppTest gives one as a string)."""
    value = app.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def _totals(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _breadcrumb(app) -> dict[str, str]:
    """Level -> the text its crumb shows: ancestors are buttons, the current level bold text."""
    crumbs = {
        b.key.removeprefix("crumb_"): b.label
        for b in app.button
        if (b.key or "").startswith("crumb_")
    }
    bold = [m.value.strip("*") for m in app.markdown if m.value.startswith("**")]
    for level, name in LEVEL_NAMES.items():
        current = [text for text in bold if text.startswith(f"{name}: ")]
        if current and level not in crumbs:
            crumbs[level] = current[0]
    return crumbs


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
    app = open_page("views/drilldown.py", params)
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
        # The breadcrumb names the member as its row did (a link and a click read alike).
        assert _breadcrumb(app)[level] == f"{LEVEL_NAMES[level]}: {row['member_label']}", level
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


def test_a_drill_opened_from_a_link_names_its_members(open_page, demo_warehouse):
    """Every level of a path carried by the URL reads as names, not ids."""
    end = demo_warehouse.end_date
    with snapshot(demo_warehouse.home) as con:
        found = con.execute(
            """
            select s.region, s.store_code, s.store_name, p.department_name, p.category_name,
                p.sku, p.product_name, l.sale_id, l.document_serie, l.document_number
            from marts.fct_sales_lines l
            join marts.dim_store s using (store_id) join marts.dim_product p using (product_id)
            where not l.is_return and l.transaction_date = ?
            order by l.sale_id, l.line_number limit 1
            """,
            [end],
        ).fetchone()
    region, store, store_name, department, category, sku, product, sale, serie, number = found
    path = {
        "region": region,
        "store": store,
        "department": department,
        "category": category,
        "product": sku,
        "ticket": f"S-{sale}",
    }
    params = {"desde": end.isoformat(), "hasta": end.isoformat()}
    params.update({f"d_{level}": member for level, member in path.items()})
    app = open_page("views/drilldown.py", params)
    assert not app.exception, [e.message for e in app.exception]
    assert _breadcrumb(app) == {
        "chain": "Cadena",
        "region": f"Región: {region}",
        "store": f"Tienda: {store} · {store_name}",
        "department": f"Departamento: {department}",
        "category": f"Categoría: {category}",
        "product": f"Producto: {sku} · {product}",
        "ticket": f"Ticket: {serie}-{number:08d}",
    }
    # Still the ticket it names: its lines are on screen.
    assert set(app.dataframe[0].value["sku"]) == {sku}
