"""The planted habits show in the core's sales: customers re-buy their staples and stop coming on
their leave date, both written in planted_truth.json by pseudonym and SKU only."""

from __future__ import annotations

from collections import defaultdict

from erp_core.demo.profiles import PROFILES


def test_truth_has_staples_and_a_leave_date_for_every_customer(small_run, small):
    habits = small_run.truth["customer_habits"]["customers"]
    assert set(habits) == set(small_run.truth["customers"])
    skus = {r[0] for r in small.execute("select sku from products").fetchall()}
    assert all(h["staples"] and set(h["staples"]) <= skus for h in habits.values())
    leave = [h["leave_date"] for h in habits.values()]
    start, end = small_run.truth["start_date"], small_run.truth["end_date"]
    assert all(start <= d <= end for d in leave if d is not None)
    assert None in leave and any(d is not None for d in leave)
    for profile in small_run.truth["customer_profiles"].values():
        assert profile["mean_lifetime_years"] > 0 and 0 < profile["staple_share_of_lines"] < 1


def test_no_sale_to_a_customer_on_or_after_their_leave_date(small_run, small):
    habits = small_run.truth["customer_habits"]["customers"]
    last = small.execute(
        "select c.pseudonym, max(s.sale_date)::text from sales s join customers c "
        "using (customer_id) group by 1"
    ).fetchall()
    assert len(last) > 100
    late = [(p, d) for p, d in last if habits[p]["leave_date"] and d >= habits[p]["leave_date"]]
    assert late == []


def test_customers_rebuy_their_own_staples(small_run, small):
    """Per profile, the share of a customer's lines that are their own staples exceeds the
    share that are the staples of the next customer of the same profile (same tastes, other
    habits) by at least half the planted staple share."""
    truth = small_run.truth
    staples = {p: set(h["staples"]) for p, h in truth["customer_habits"]["customers"].items()}
    profile_of = truth["customers"]
    peers = defaultdict(list)
    for pseudonym in sorted(profile_of):
        peers[profile_of[pseudonym]].append(pseudonym)
    other = {
        members[i]: members[(i + 1) % len(members)]
        for members in peers.values()
        for i in range(len(members))
    }
    counts = defaultdict(lambda: [0, 0, 0])  # lines, own staples, the peer's staples
    for pseudonym, sku in small.execute(
        "select c.pseudonym, p.sku from sale_lines l join sales s using (sale_id, sale_date) "
        "join customers c using (customer_id) join products p on p.product_id = l.product_id"
    ).fetchall():
        row = counts[profile_of[pseudonym]]
        row[0] += 1
        row[1] += sku in staples[pseudonym]
        row[2] += sku in staples[other[pseudonym]]
    planted_share = {p.name: p.staple_share for p in PROFILES}
    checked = 0
    for name, (lines, own, peer) in counts.items():
        if lines < 500:
            continue
        assert own / lines - peer / lines > 0.5 * planted_share[name], name
        checked += 1
    assert checked >= 3
