"""The planted effects show in the data, measured roughly as an analyst would."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import psycopg

CATEGORY_UNITS = """
select sum(l.quantity) filter (where l.sale_date between %(a)s and %(b)s) / (%(b)s - %(a)s + 1),
       sum(l.quantity) filter (where l.sale_date between %(c)s and %(d)s) / (%(d)s - %(c)s + 1)
from sale_lines l join products p using (product_id)
join product_subcategories s using (subcategory_id) join product_categories c using (category_id)
where c.name = any(%(names)s)
"""


def units_per_day(conn, names: list[str], during: tuple, baseline: tuple) -> tuple[float, float]:
    """Units per calendar day of ``names`` in two date ranges (days without sales count)."""
    (a, b), (c, d) = during, baseline
    row = conn.execute(CATEGORY_UNITS, {"a": a, "b": b, "c": c, "d": d, "names": names}).fetchone()
    return float(row[0] or 0), float(row[1] or 0)


SEP_OCT = (dt.date(2025, 9, 1), dt.date(2025, 10, 31))


def test_navidad_items_sell_far_more_in_december(small):
    for category, factor in (
        ("Panetones", 5),
        ("Decoración y Navidad", 5),
        ("Muñecas y figuras", 2),
    ):
        december, usual = units_per_day(
            small, [category], (dt.date(2025, 12, 1), dt.date(2025, 12, 24)), SEP_OCT
        )
        assert december > factor * usual > 0, category


def test_december_sells_more_than_an_average_month(small):
    monthly = dict(
        small.execute(
            "select extract(month from sale_date)::int, sum(total_amount) / count(distinct "
            "sale_date) from sales where sale_date >= '2025-09-03' group by 1"
        ).fetchall()
    )
    others = [float(monthly[m]) for m in (9, 10, 11)]
    assert float(monthly[12]) > 1.15 * sum(others) / len(others)


def test_cyber_wow_and_black_friday_lift_electro(small_run, small):
    windows = [
        w
        for e in ("cyber_wow", "black_friday")
        for w in small_run.truth["seasonal_effects"][e]["windows"]
    ]
    assert windows
    electro = ["Televisores", "Celulares y accesorios", "Pequeños electrodomésticos"]
    for first, last in windows:
        event, usual = units_per_day(small, electro, (first, last), SEP_OCT)
        assert event > 1.4 * usual > 0, first


def test_dia_de_la_madre_lifts_perfume_and_small_appliances(may_run):
    ((first, last),) = may_run.truth["seasonal_effects"]["dia_de_la_madre"]["windows"]
    assert (first, last) == ("2025-05-05", "2025-05-11")
    with psycopg.connect(may_run.url) as conn:
        for category in ("Perfumería", "Pequeños electrodomésticos"):
            peak, usual = units_per_day(  # after Cyber Wow (14-17 April) and Semana Santa
                conn, [category], (first, last), (dt.date(2025, 4, 20), dt.date(2025, 5, 4))
            )
            assert peak > 1.8 * usual > 0, category


def test_semana_santa_brings_fish(may_run):
    ((first, last),) = may_run.truth["seasonal_effects"]["semana_santa"]["windows"]
    with psycopg.connect(may_run.url) as conn:
        holy_week, rest = units_per_day(
            conn, ["Conservas"], (first, last), (dt.date(2025, 4, 21), dt.date(2025, 5, 31))
        )
    assert holy_week > 1.7 * rest > 0


def test_promotions_lift_units_about_as_planted(small_run, small):
    planted = {
        p["promotion_id"]: p["uplift"] for p in small_run.truth["promotion_uplift"]["promotions"]
    }
    rows = small.execute(
        """
        with p as (select promotion_id, product_id, store_id, starts_on, ends_on from promotions
                   where starts_on >= (select min(sale_date) + 28 from sales))
        select p.promotion_id, p.ends_on - p.starts_on + 1,
               sum(l.quantity) filter (where l.sale_date between p.starts_on and p.ends_on),
               sum(l.quantity) filter (where l.sale_date between p.starts_on - 28
                                                              and p.starts_on - 1)
        from p join sale_lines l on l.product_id = p.product_id
             and (p.store_id is null or l.store_id = p.store_id)
        group by 1, 2
        """
    ).fetchall()
    measured = [
        (float(during) / days, float(before) / 28, planted[pid])
        for pid, days, during, before in rows
        if before and before >= 10 and during
    ]
    assert len(measured) >= 20
    observed = sum(d for d, _, _ in measured) / sum(b for _, b, _ in measured)
    expected = sum(b * u for _, b, u in measured) / sum(b for _, b, _ in measured)
    assert 1.3 < observed and abs(observed / expected - 1) < 0.3


def test_paydays_and_weekends_bring_more_tickets(small):
    by_day = dict(
        small.execute(
            "select sale_date, count(*) from sales where sale_date < '2025-11-15' group by 1"
        ).fetchall()
    )
    payday = [n for d, n in by_day.items() if _payday(d)]
    other = [n for d, n in by_day.items() if not _payday(d)]
    assert sum(payday) / len(payday) > 1.1 * sum(other) / len(other)
    saturday = [n for d, n in by_day.items() if d.weekday() == 5 and not _payday(d)]
    tuesday = [n for d, n in by_day.items() if d.weekday() == 1 and not _payday(d)]
    assert sum(saturday) / len(saturday) > 1.15 * sum(tuesday) / len(tuesday)


def _payday(day: dt.date) -> bool:
    return day.day in (1, 2, 15, 16) or (day + dt.timedelta(days=1)).day == 1


def test_complementary_pairs_are_bought_together(small_run, small):
    baskets = defaultdict(set)
    for sale_id, sku in small.execute(
        "select l.sale_id, p.sku from sale_lines l join products p using (product_id)"
    ).fetchall():
        baskets[sale_id].add(sku)
    checked = 0
    for pair in small_run.truth["complementary_pairs"]:
        with_first = [b for b in baskets.values() if pair["sku"] in b]
        if len(with_first) < 30:
            continue
        together = sum(pair["complement_sku"] in b for b in with_first) / len(with_first)
        overall = sum(pair["complement_sku"] in b for b in baskets.values()) / len(baskets)
        assert together > 3 * overall, pair
        checked += 1
    assert checked >= 5


def test_customer_profiles_behave_as_planted(small_run, small):
    profile_of = small_run.truth["customers"]
    stats = defaultdict(lambda: defaultdict(float))
    for pseudonym, sale_date, qty, lines, school, card, factura in small.execute(
        """
        with lines as (
            select l.sale_id, sum(l.quantity) qty, count(*) n,
                   count(*) filter (where d.name = 'Útiles escolares'
                                       or g.name = 'Snacks y golosinas') school
            from sale_lines l join products p using (product_id)
            join product_subcategories sc using (subcategory_id)
            join product_categories g using (category_id)
            join product_departments d using (department_id)
            group by 1),
        card as (select distinct sale_id from sale_payments where method = 'card')
        select c.pseudonym, s.sale_date, l.qty, l.n, l.school, k.sale_id is not null,
               s.doc_type = '01'
        from sales s join lines l using (sale_id) left join card k using (sale_id)
        left join customers c using (customer_id)
        """
    ).fetchall():
        st = stats["anonimo" if pseudonym is None else profile_of[pseudonym]]
        st["tickets"] += 1
        st["payday"] += _payday(sale_date)
        st["units"] += float(qty)
        st["lines"] += lines
        st["school"] += school
        st["card"] += card
        st["factura"] += factura
    share = {g: {k: v / s["tickets"] for k, v in s.items()} for g, s in stats.items()}
    walk_in = share["anonimo"]
    assert share["familia_quincena"]["payday"] > 1.8 * walk_in["payday"]
    assert share["familia_quincena"]["lines"] > 2 * walk_in["lines"]
    bodega = stats["negocio_bodega"]
    assert bodega["units"] / bodega["lines"] > 4 * walk_in["units"] / walk_in["lines"]
    assert share["negocio_bodega"]["factura"] == 1 and walk_in["factura"] == 0
    student = stats["estudiante"]
    anonymous = stats["anonimo"]
    assert student["school"] / student["lines"] > 2 * anonymous["school"] / anonymous["lines"]
    assert share["estudiante"]["lines"] < walk_in["lines"]
    assert share["premium"]["card"] > 0.6 > walk_in["card"]


def test_slow_movers_sell_intermittently_and_stockouts_happen(small_run, small):
    days = small_run.summary.end_date - small_run.summary.start_date
    sparse = small.execute(
        "select avg((n < %s)::int) from (select store_id, product_id, count(distinct sale_date) n "
        "from sale_lines group by 1, 2) x",
        (days.days * 0.2,),
    ).fetchone()[0]
    assert sparse > 0.2
    outcome = small_run.truth["outcome"]
    assert 0.005 < outcome["lost_units"] / outcome["sold_units"] < 0.2
    emptied = small.execute(
        "select count(*) from kardex where operation_type = '01' and balance_quantity = 0"
    ).fetchone()[0]
    assert emptied > 50


def test_costs_drift_and_prices_follow(small):
    drifting = small.execute(
        "select avg((n > 1)::int) from (select product_id, count(distinct unit_cost) n "
        "from goods_receipt_lines group by 1 having count(*) >= 3) x"
    ).fetchone()[0]
    repriced = small.execute(
        "select count(*) from (select product_id from sale_lines group by 1 "
        "having count(distinct list_price) > 1) x"
    ).fetchone()[0]
    assert drifting > 0.3
    assert repriced > 5
