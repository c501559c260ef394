"""planted_truth.json describes the data that was written, by pseudonym and SKU only."""

from __future__ import annotations

from decimal import Decimal

from erp_core.demo.profiles import PROFILES


def test_every_customer_is_in_the_truth_with_a_planted_profile(small_run, small):
    pseudonyms = {r[0] for r in small.execute("select pseudonym from customers").fetchall()}
    truth = small_run.truth["customers"]
    assert set(truth) == pseudonyms
    assert set(truth.values()) == {p.name for p in PROFILES[1:]}
    assert set(small_run.truth["customer_profiles"]) == set(truth.values())


def test_truth_names_skus_promotions_and_dates_of_the_database(small_run, small):
    truth = small_run.truth
    skus = {r[0] for r in small.execute("select sku from products").fetchall()}
    pairs = truth["complementary_pairs"]
    assert len(pairs) == 12
    assert all(p["sku"] in skus and p["complement_sku"] in skus for p in pairs)
    promotions = small.execute(
        "select promotion_id, sku, discount_pct from promotions join products using (product_id) "
        "order by promotion_id"
    ).fetchall()
    uplift = truth["promotion_uplift"]
    planted = [
        (p["promotion_id"], p["sku"], p["discount_pct"])
        for p in [*uplift["promotions"], *uplift["planned_promotions"]]
    ]
    assert planted == [(i, sku, int(pct)) for i, sku, pct in promotions]
    # the planned ones start after the history's last day
    assert uplift["planned_promotions"]
    assert all(p["starts_on"] > truth["end_date"] for p in uplift["planned_promotions"])
    first, last, total = small.execute(
        "select min(sale_date)::text, max(sale_date)::text, sum(total_amount) from sales"
    ).fetchone()
    assert (truth["start_date"], truth["end_date"]) == (first, last)
    assert Decimal(truth["outcome"]["total_sales_pen"]) == total
    assert (
        sum(truth["outcome"]["lost_units_by_category"].values()) == truth["outcome"]["lost_units"]
    )


def test_truth_holds_no_personal_data(small_run):
    text = small_run.summary.truth_path.read_text()
    assert "@" not in text
    assert all(k.startswith("c_") for k in small_run.truth["customers"])
