"""The nightly customer models find the habits planted in the demo chain: who has left (churn)
and which products each customer re-buys (staples), both written in ``planted_truth.json``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score


@pytest.fixture(scope="module")
def planted(demo_warehouse) -> pd.DataFrame:
    """Per customer pseudonym: its planted staples (SKUs) and leave date (NaT: stays)."""
    habits = demo_warehouse.truth["customer_habits"]["customers"]
    return pd.DataFrame(
        {
            "customer_pseudonym": list(habits),
            "staples": [set(h["staples"]) for h in habits.values()],
            "leave_date": pd.to_datetime([h["leave_date"] for h in habits.values()]),
        }
    ).set_index("customer_pseudonym")


def test_p_alive_separates_the_customers_planted_as_gone(snapshot, planted):
    """The nightly's p_alive (BG/NBD fitted up to the last day) ranks the customers still
    active by the planted truth above those who left before that day: area under the ROC."""
    value = snapshot.execute(
        "select customer_pseudonym, p_alive, as_of_date from ml.fct_customer_value"
    ).df()
    as_of = pd.Timestamp(value["as_of_date"].iloc[0])
    value = value.join(planted, on="customer_pseudonym", how="inner")
    gone = value["leave_date"].notna() & (value["leave_date"] <= as_of)
    assert len(value) >= 100
    assert gone.sum() >= 20 and (~gone).sum() >= 20
    assert roc_auc_score(~gone, value["p_alive"]) >= 0.75


def test_recommendations_find_the_planted_staples(snapshot, planted):
    """Each customer's ten offers hold more of their own planted staples than the chain's ten
    most popular products do, for more customers than chance (paired sign test, one-sided
    5 %), and more in all. The popular ten are a strong rival: staples are drawn by popularity
    too, and the offers leave out the last basket's non-replenishment items and what is out of
    stock."""
    offers = snapshot.execute(
        "select customer_pseudonym, sku from ml.fct_customer_recommendations"
    ).df()
    popular = set(
        snapshot.execute(
            """
            select p.sku from marts.fct_sales_lines l join marts.dim_product p using (product_id)
            where not l.is_return group by 1 order by count(distinct l.sale_id) desc, 1 limit 10
            """
        ).df()["sku"]
    )
    offered = offers.groupby("customer_pseudonym")["sku"].agg(set).to_frame("offers")
    offered = offered.join(planted["staples"], how="inner")
    ours = offered.apply(lambda r: len(r["offers"] & r["staples"]), axis=1)
    baseline = offered["staples"].map(lambda staples: len(popular & staples))
    assert len(offered) >= 100
    wins, losses = int((ours > baseline).sum()), int((ours < baseline).sum())
    assert (wins - losses) / (wins + losses) ** 0.5 > 1.645
    assert ours.sum() > baseline.sum()


def test_nobody_buys_after_their_planted_leave_date(snapshot, planted, demo_warehouse):
    """The planted leave date is the first day without visits; some customers left, many stay."""
    last = snapshot.execute(
        """
        select c.customer_pseudonym, max(l.sale_date) as last_purchase
        from marts.fct_sales_lines l join marts.dim_customer c using (customer_id)
        where not l.is_return group by 1
        """
    ).df()
    last = last.join(planted["leave_date"], on="customer_pseudonym", how="inner")
    assert len(last) >= 100
    assert not (pd.to_datetime(last["last_purchase"]) >= last["leave_date"]).any()
    end = pd.Timestamp(dt.date.fromisoformat(demo_warehouse.truth["end_date"]))
    left = (planted["leave_date"] <= end).mean()
    assert 0.05 < left < 0.6
