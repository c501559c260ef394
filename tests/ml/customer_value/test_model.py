"""Customer value: maximum likelihood recovers planted parameters, the expectation matches the
paper's closed form, and the time split beats the naive rate (synthetic and Online Retail)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from erp_core.paths import REAL_DATA_DIR
from ml.customer_value import (
    fit_customer_value,
    fit_customer_value_model,
    validate_customer_value,
    valuable_slipping_away,
)
from ml.customer_value.bgnbd import BGNBDParams, expected_purchases
from ml.customer_value.summary import purchase_days, rfm_summary
from tests.ml.customer_value.synthetic import PLANTED, START, bgnbd_customers

CALIBRATION_END = START + pd.Timedelta(days=240)


@pytest.fixture(scope="module")
def synthetic():
    return bgnbd_customers()


def paper_expectation(params: BGNBDParams, t, x, t_x, T):
    """Equation 10 of Fader, Hardie & Lee (2005), as printed (fine for small x)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    alive = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return head * bracket / alive


@pytest.mark.parametrize(
    "params",
    [BGNBDParams(0.243, 4.414, 0.793, 2.426), BGNBDParams(2.0, 20.0, 0.3, 12.0),
     BGNBDParams(0.5, 10.0, 2.5, 5.0)],
)  # fmt: skip
def test_expected_purchases_equal_the_papers_closed_form(params):
    x = np.array([0.0, 1.0, 2.0, 5.0, 10.0])
    t_x = np.array([0.0, 3.0, 30.4, 10.0, 35.0])
    T = np.array([38.9, 20.0, 38.9, 50.0, 38.9])

    ours = expected_purchases(params, 39.0, x, t_x, T)

    np.testing.assert_allclose(ours, paper_expectation(params, 39.0, x, t_x, T), rtol=1e-6)


def test_expected_purchases_stay_finite_where_the_hypergeometric_diverges():
    """A frequent buyer under a near-zero dropout: scipy's 2F1 returns 7e10 here."""
    params = BGNBDParams(2.06, 18.76, 0.00059, 129.6)
    value = expected_purchases(params, 52.0, np.array([1.0]), np.array([1.0]), np.array([7.0]))
    # nobody leaves: the expectation is the posterior mean rate (r + x) / (alpha + T) times t
    assert value[0] == pytest.approx((2.06 + 1) / (18.76 + 7) * 52, rel=0.01)


def test_maximum_likelihood_recovers_the_planted_parameters(synthetic):
    model, summary = fit_customer_value_model(synthetic, CALIBRATION_END)

    fitted = vars(model.purchases)
    for name, planted in PLANTED.items():
        assert fitted[name] == pytest.approx(planted, rel=0.35), (name, fitted)
    # population mean purchase value p * gamma / (q - 1) recovered within 15 %
    planted_mean = summary["monetary"].mean()
    spend = model.spend
    assert spend.p * spend.gamma / (spend.q - 1) == pytest.approx(planted_mean, rel=0.15)


def test_the_model_beats_the_naive_rate_on_the_time_split(synthetic):
    validation = validate_customer_value(synthetic, CALIBRATION_END, 90)

    metrics = validation.metrics
    assert validation.improvement() >= 0.2, metrics
    # and the stronger baselines, which never extrapolate a one-day customer
    assert metrics.loc["modelo", "mae_purchases"] < metrics.loc["repeticion", "mae_purchases"]
    assert metrics.loc["modelo", "rmse_purchases"] < metrics.loc["periodo", "rmse_purchases"]
    assert abs(metrics.loc["modelo", "total_purchases_bias"]) < 0.15


def test_p_alive_falls_for_a_frequent_buyer_who_stopped(synthetic):
    value = fit_customer_value(synthetic, CALIBRATION_END, 90).set_index("customer_id")
    summary = rfm_summary(purchase_days(synthetic), CALIBRATION_END)
    frequent = summary[summary["frequency"] >= 4]
    gone = frequent[(frequent["T"] - frequent["recency"]) > 120].index
    active = frequent[(frequent["T"] - frequent["recency"]) < 10].index

    assert len(gone) > 10 and len(active) > 10
    assert value.loc[gone, "p_alive"].median() < 0.3 < 0.8 < value.loc[active, "p_alive"].median()
    past_spend = summary["monetary"] * summary["purchases"]
    slipping = valuable_slipping_away(value.reset_index(), past_spend)
    assert slipping.sum() > 0
    assert (value.loc[slipping[slipping].index, "p_alive"] < 0.5).all()


def test_returns_net_out_and_a_day_is_one_purchase():
    transactions = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2],
            "ds": ["2026-01-01", "2026-01-01", "2026-01-05", "2026-01-09", "2026-01-02"],
            "amount": [10.0, 5.0, 20.0, -20.0, 7.0],
        }
    )
    summary = rfm_summary(purchase_days(transactions), "2026-01-10")

    assert summary.loc[1, ["frequency", "recency", "T", "monetary"]].tolist() == [1, 4, 10, 17.5]
    assert summary.loc[2, ["frequency", "T"]].tolist() == [0, 9]


def test_online_retail_beats_the_naive_rate_on_the_time_split():
    lines = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    lines = lines[lines["CustomerID"].notna() & ~lines["InvoiceNo"].str.startswith("C")]
    transactions = pd.DataFrame(
        {
            "customer_id": lines["CustomerID"],
            "ds": lines["InvoiceDate"],
            "amount": lines["Quantity"] * lines["UnitPrice"],
        }
    )

    validation = validate_customer_value(transactions, "2011-09-09", 90)

    assert len(validation.per_customer) > 3000
    assert validation.improvement() >= 0.2, validation.metrics
    metrics = validation.metrics
    assert metrics.loc["modelo", "rmse_purchases"] < metrics.loc["ingenuo", "rmse_purchases"]


def test_a_calibration_with_nothing_after_it_cannot_be_validated(synthetic):
    with pytest.raises(ValueError, match="holdout vacío"):
        validate_customer_value(synthetic, "2030-01-01", 90)
