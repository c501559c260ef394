"""Reorder points from the demand's distribution over the lead time, worked by hand."""

import math

import numpy as np
import pytest
from scipy.stats import nbinom, norm

from ml.inventory.service import (
    cycle_service_reorder_point,
    expected_shortage,
    fill_rate_reorder_point,
    normal_loss,
)


def test_slow_mover_reorder_point_is_a_poisson_quantile():
    # 0.3 units a day over a 2-day lead time: X ~ Poisson(0.6), no extra spread.
    # P(X ≤ 0) = e^-0.6 = 0.5488; P(X ≤ 1) = 1.6 e^-0.6 = 0.8781; P(X ≤ 2) = 1.78 e^-0.6 = 0.9769
    assert math.exp(-0.6) * 1.78 == pytest.approx(0.9769, abs=1e-4)
    rop, exact = cycle_service_reorder_point([0.6, 0.6], [0.6, 0.6], [0.9, 0.98])
    assert rop.tolist() == [2.0, 3.0]
    assert exact.all()
    # The normal's 0.6 + 1.2816 × √0.6 = 1.59 reorders only at 1 unit: 87.8 % of cycles, not 90 %
    assert 0.6 + norm.ppf(0.9) * math.sqrt(0.6) < 2


def test_the_normal_is_a_floor():
    # At 85 % the Poisson says 1 unit (P(X ≤ 1) = 0.878), the normal 0.6 + 1.0364 × √0.6 = 1.40:
    # the same reorder at 1 unit, a level 0.40 higher
    rop, exact = cycle_service_reorder_point([0.6], [0.6], [0.85])
    assert rop[0] == pytest.approx(0.6 + 1.0364334 * math.sqrt(0.6), abs=1e-6)
    assert not exact.any()
    # A forecast of 0.118 with a variance of 0.56 over the lead time: the negative binomial
    # (r = 0.0316) has P(X = 0) = (0.118 / 0.56)^0.0316 = 0.95 and says 0 at 90 %; the error asks
    # for 0.118 + 1.2816 × √0.56 = 1.08
    rop, exact = cycle_service_reorder_point([0.118], [0.56], [0.9])
    assert rop[0] == pytest.approx(0.118 + 1.2815516 * math.sqrt(0.56), abs=1e-6)
    assert not exact.any()


def test_overdispersed_demand_is_a_negative_binomial_quantile():
    # Mean 40, variance 136: r = 40² / (136 − 40) = 16.67, p = 40 / 136 = 0.294
    r, p = 40**2 / 96, 40 / 136
    assert nbinom.cdf(60, r, p) < 0.95 <= nbinom.cdf(61, r, p)  # 0.9487, 0.9554
    rop, exact = cycle_service_reorder_point([40.0], [136.0], [0.95])
    assert rop.tolist() == [61.0] and exact.all()  # the normal said 40 + 1.645 × 11.66 = 59.2


def test_demand_spanning_more_than_the_grid_uses_the_normal():
    # Mean 70, variance 463: 70 + 10 × 21.5 > 200 units: 70 + z(98 %) × √463 = 70 + 44.19
    rop, exact = cycle_service_reorder_point([70.0], [463.0], [0.98])
    assert rop[0] == pytest.approx(70 + 2.0537489 * math.sqrt(463), abs=1e-4)
    assert not exact.any()


def test_no_demand_keeps_nothing_and_a_forecast_of_nothing_with_an_error_keeps_z_sigma():
    rop, _ = cycle_service_reorder_point([0.0, 0.0], [0.0, 4.0], [0.95, 0.95])
    assert rop[0] == 0
    assert rop[1] == pytest.approx(1.6448536 * 2, abs=1e-5)


def test_expected_shortage_by_hand():
    # Poisson(0.6): E[X⁺] = 0.6; E[(X − 1)⁺] = 0.6 − P(X > 0) = 0.6 − 0.4512 = 0.1488;
    # E[(X − 2)⁺] = 0.1488 − P(X > 1) = 0.1488 − 0.1219 = 0.0269
    short = expected_shortage([0, 1, 2], [0.6] * 3, [0.6] * 3)
    assert short == pytest.approx([0.6, 0.14881, 0.02691], abs=1e-5)
    # Negative binomial mean 3, variance 6 (r = 3, p = 0.5), against scipy's distribution
    direct = sum((k - 4) * nbinom.pmf(k, 3, 0.5) for k in range(5, 400))
    assert expected_shortage([4], [3.0], [6.0])[0] == pytest.approx(direct, abs=1e-9)


def test_fill_rate_reorder_point_by_hand():
    # Poisson(0.6), cycle 2.1 units, fill 95 %: at most 0.105 short per cycle → 2 units
    # (1 unit leaves 0.1488 short: a fill of 1 − 0.1488 / 2.1 = 92.9 %)
    rop, _ = fill_rate_reorder_point([0.6], [0.6], [2.1], [0.95])
    assert rop.tolist() == [2.0]
    # Normal beyond the grid: mean 300, σ 30, cycle 100, fill 98 %: G(z) = 2 / 30
    rop, exact = fill_rate_reorder_point([300.0], [900.0], [100.0], [0.98])
    z = (rop[0] - 300) / 30
    assert normal_loss(z) == pytest.approx(2 / 30, abs=1e-6) and not exact.any()
    # A long cycle needs no safety stock at all: never below the mean
    rop, _ = fill_rate_reorder_point([300.0], [900.0], [1000.0], [0.98])
    assert rop.tolist() == [300.0]


def test_many_items_at_once_match_one_at_a_time():
    rng = np.random.default_rng(3)
    mean = rng.gamma(0.6, 4, 300)
    variance = mean * rng.uniform(1, 4, 300)
    level = rng.choice([0.9, 0.95, 0.98], 300)
    together, _ = cycle_service_reorder_point(mean, variance, level)
    alone = [
        cycle_service_reorder_point([m], [v], [s])[0][0]
        for m, v, s in zip(mean, variance, level, strict=True)
    ]
    assert together.tolist() == pytest.approx(alone)
