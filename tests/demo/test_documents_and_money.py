"""Comprobantes, money and customers follow SUNAT's rules and the services' arithmetic."""

from __future__ import annotations

from decimal import Decimal

from erp_core.domain.documents import is_valid_ruc, normalize_document
from erp_core.domain.money import line_amounts, round_cents
from erp_core.pii import PiiVault


def test_line_money_is_exactly_what_line_amounts_computes(small):
    rows = small.execute(
        "select l.list_price, l.quantity, l.igv_affectation, coalesce(p.discount_pct, 0), "
        "l.unit_price, l.discount_amount, l.line_total, l.taxable_amount, l.igv_amount "
        "from sale_lines l left join promotions p using (promotion_id)"
    ).fetchall()
    wrong = 0
    for list_price, qty, affectation, pct, *stored in rows:
        a = line_amounts(list_price, qty, affectation, pct)
        wrong += (
            a.unit_price,
            a.discount_amount,
            a.line_total,
            a.taxable_amount,
            a.igv_amount,
        ) != tuple(stored)
    assert len(rows) > 90_000
    assert wrong == 0


def test_igv_is_18_percent_of_each_taxable_line_and_zero_otherwise(small):
    gravado_off, others_with_igv, affectations = small.execute(
        """
        select count(*) filter (where igv_affectation = '10'
                                  and abs(igv_amount - round(taxable_amount * 0.18, 2)) > 0.01),
               count(*) filter (where igv_affectation <> '10' and igv_amount <> 0),
               array_agg(distinct igv_affectation order by igv_affectation)
        from sale_lines
        """
    ).fetchone()
    assert (gravado_off, others_with_igv) == (0, 0)
    assert affectations == ["10", "20", "30"]


def test_sale_headers_are_the_sum_of_their_lines(small):
    bad = small.execute(
        """
        select count(*) from sales s join (
            select sale_id, sum(line_total) total, sum(igv_amount) igv,
                   sum(discount_amount) discount,
                   sum(taxable_amount) filter (where igv_affectation = '10') taxable,
                   sum(taxable_amount) filter (where igv_affectation <> '10') exempt
            from sale_lines group by sale_id) l using (sale_id)
        where s.total_amount <> l.total or s.igv_amount <> l.igv
           or s.discount_amount <> l.discount or s.taxable_amount <> coalesce(l.taxable, 0)
           or s.exempt_amount <> coalesce(l.exempt, 0)
           or s.total_amount <> s.taxable_amount + s.exempt_amount + s.igv_amount
        """
    ).fetchone()[0]
    assert bad == 0
    assert small.execute(
        "select count(*) from sales where sale_id not in (select sale_id from sale_lines)"
    ).fetchone() == (0,)


def test_payments_add_up_to_each_total_with_every_method_in_use(small):
    bad = small.execute(
        "select count(*) from sales s left join (select sale_id, sum(amount) paid "
        "from sale_payments group by 1) p using (sale_id) "
        "where p.paid is distinct from s.total_amount"
    ).fetchone()[0]
    methods = small.execute(
        "select array_agg(distinct method order by method) from sale_payments"
    ).fetchone()[0]
    split = small.execute(
        "select count(*) from (select sale_id from sale_payments group by 1 having count(*) > 1) x"
    ).fetchone()[0]
    assert bad == 0
    assert methods == ["card", "cash", "plin", "transfer", "yape"]
    assert split > 100


def test_series_are_consecutive_without_gaps_and_match_last_number(small):
    rows = small.execute(
        """
        select c.serie, c.doc_type, c.last_number, count(d.number), min(d.number), max(d.number),
               (select count(*) from sales s where s.serie = c.serie)
               + (select count(*) from returns r where r.serie = c.serie)
        from comprobante_series c left join issued_documents d using (serie)
        group by c.serie, c.doc_type, c.last_number order by c.serie
        """
    ).fetchall()
    for serie, _doc_type, last, issued, first, top, used in rows:
        assert issued == last == used, serie
        assert last == 0 or (first, top) == (1, last), serie
    assert {r[0][0:2] for r in rows} >= {"B0", "F0", "BC", "FC"}
    assert all(r[2] > 0 for r in rows if not r[0].startswith("FC"))


def test_numbers_follow_time_within_each_serie(small):
    disorder = small.execute(
        "select count(*) from (select sold_at, lag(sold_at) over (partition by serie "
        "order by number) prev from sales) s where sold_at < prev"
    ).fetchone()[0]
    assert disorder == 0


def test_sale_date_is_the_lima_business_date_of_sold_at(small):
    wrong = small.execute(
        "select count(*) from sales where sale_date <> (sold_at at time zone 'America/Lima')::date "
        "or extract(hour from sold_at at time zone 'America/Lima') not between 9 and 21"
    ).fetchone()[0]
    assert wrong == 0


def test_facturas_go_only_to_ruc_customers(small):
    by_type = dict(
        small.execute(
            "select s.doc_type, count(*) filter (where c.doc_type = '6') * 1.0 / count(*) "
            "from sales s left join customers c using (customer_id) group by 1"
        ).fetchall()
    )
    assert by_type["01"] == 1
    assert by_type["03"] == 0


def test_boletas_over_700_always_identify_the_buyer(small):
    anonymous, identified = small.execute(
        "select count(*) filter (where customer_id is null), count(*) from sales "
        "where doc_type = '03' and total_amount > 700"
    ).fetchone()
    assert identified > 20
    assert anonymous == 0


def test_customers_buy_only_after_they_registered(small):
    early = small.execute(
        "select count(*) from sales s join customers c using (customer_id) "
        "where c.created_at > s.sold_at"
    ).fetchone()[0]
    assert early == 0


def test_most_tickets_are_anonymous_boletas(small):
    share = small.execute(
        "select avg((customer_id is null)::int) from sales where doc_type = '03'"
    ).fetchone()[0]
    assert 0.6 < share < 0.8


def test_returns_are_about_one_percent_of_lines_with_pro_rata_refunds(small):
    lines, returned = small.execute(
        "select (select count(*) from sale_lines), (select count(*) from return_lines)"
    ).fetchone()
    assert 0.006 < returned / lines < 0.014
    rows = small.execute(
        "select rl.quantity, sl.quantity, sl.line_total, rl.line_total, rl.taxable_amount, "
        "rl.igv_amount, r.total_amount, r.return_date > r.sale_date, r.serie, s.serie "
        "from return_lines rl join returns r using (return_id) "
        "join sale_lines sl using (sale_line_id) join sales s on s.sale_id = r.sale_id"
    ).fetchall()
    for qty, sold, paid, refund, taxable, igv, total, later, note_serie, sale_serie in rows:
        assert refund == round_cents(paid * qty / sold) == total == taxable + igv
        assert later and note_serie[0] == sale_serie[0] and note_serie[1] == "C"
    assert any(qty < sold for qty, sold, *_ in rows)


def test_customers_documents_are_valid_and_stored_only_encrypted(small):
    vault = PiiVault.from_settings()
    rows = small.execute(
        "select doc_type, doc_number_enc, doc_blind_index, pseudonym, is_business, name_enc "
        "from customers"
    ).fetchall()
    kinds = set()
    for doc_type, number_enc, blind, pseudonym, is_business, name_enc in rows:
        number = vault.decrypt(number_enc)
        assert normalize_document(doc_type, number) == number
        assert bytes(blind) == vault.blind_index(doc_type, number)
        assert pseudonym == vault.pseudonym(doc_type, number)
        assert number.encode() not in bytes(number_enc) and vault.decrypt(name_enc)
        assert is_business == (doc_type == "6")
        kinds.add(doc_type)
    assert kinds == {"1", "4", "6"}
    rucs = [r[0] for r in small.execute("select ruc from suppliers").fetchall()]
    assert rucs and all(is_valid_ruc(r) for r in rucs)


def test_promotions_discount_only_their_own_product_store_and_dates(small):
    outside = small.execute(
        """
        select count(*) from sale_lines l join promotions p using (promotion_id)
        where l.product_id <> p.product_id or l.sale_date not between p.starts_on and p.ends_on
           or (p.store_id is not null and p.store_id <> l.store_id)
        """
    ).fetchone()[0]
    missed = small.execute(
        """
        select count(*) from sale_lines l join promotions p on p.product_id = l.product_id
           and l.sale_date between p.starts_on and p.ends_on
           and (p.store_id is null or p.store_id = l.store_id)
        where l.promotion_id is null
        """
    ).fetchone()[0]
    discounted = small.execute(
        "select count(*), sum(discount_amount) from sale_lines where promotion_id is not null"
    ).fetchone()
    assert (outside, missed) == (0, 0)
    assert discounted[0] > 1000 and discounted[1] > Decimal(1000)
