"""Reorder points from the demand's distribution over the lead time.

A normal safety stock (z × σ × √L) is too small for items that sell a unit every few days: their
lead-time demand is a handful of whole units with a long right tail. Here the demand over the
lead time is a negative binomial with the forecast's mean and variance (Poisson when the
variance is not above the mean), worked exactly while its mass fits in ``GRID_UNITS`` units, and
a normal beyond that (fast movers, where the two agree).

Two readings of a service level β:
- cycle service (the policy's default, ``cycle_service_reorder_point``): the reorder point lasts
  the lead time in a share β of cycles: the smallest whole s with P(X ≤ s) ≥ β, never below the
  normal's mean + z(β) × σ;
- fill rate (``fill_rate_reorder_point``): the units short in one replenishment cycle,
  E[(X − ROP)⁺], may be at most (1 − β) × Q, the demand one order serves (Q: the demand over the
  review period, at least one pack or the minimum order); never below the mean (no negative
  safety stock). Measured worse in the restock replay (docs/BENCHMARKS.md), kept as an option.
"""

from __future__ import annotations

import numpy as np

GRID_UNITS = 200
SPREAD_SIGMAS = 10.0
BISECTION_STEPS = 50
MAX_Z = 8.0
TIERS = (16, 48, GRID_UNITS)  # items worked together by how many units their demand spans


def expected_shortage(rop, mean, variance) -> np.ndarray:
    """E[(X − rop)⁺] for X ~ negative binomial (mean, variance), Poisson when variance ≤ mean;
    ``rop`` whole units. For a check by hand and the tests."""
    rop, mean, variance = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (rop, mean, variance))
    rop, mean, variance = np.broadcast_arrays(rop, mean, variance)
    pmf = _pmf(mean, np.maximum(variance, mean), int(np.max(rop)) + 1)
    above = 1.0 - np.cumsum(pmf, axis=0)  # P(X > k), k = 0 ... max rop
    taken = np.cumsum(above, axis=0)  # E[min(X, s)] for s = 1 ... max rop + 1
    units = rop.astype(int)
    served = np.where(units > 0, taken[np.maximum(units - 1, 0), np.arange(len(mean))], 0.0)
    return mean - served


def normal_loss(z) -> np.ndarray:
    """G(z) = φ(z) − z × (1 − Φ(z)): a standard normal's expected excess over z."""
    from scipy.stats import norm  # here: scipy.stats costs the code location ~1 s to import

    z = np.asarray(z, dtype=float)
    return norm.pdf(z) - z * norm.sf(z)


def fill_rate_reorder_point(mean, variance, cycle_qty, fill_rate) -> tuple[np.ndarray, np.ndarray]:
    """The reorder point meeting ``fill_rate`` per row, and whether it was worked exactly
    (negative binomial / Poisson) or with the normal.

    Args:
        mean: expected demand over the lead time (units).
        variance: its variance (units²); raised to ``mean`` where smaller (Poisson).
        cycle_qty: the demand one order serves (units, > 0).
        fill_rate: the target share of demand served from the shelf, in [0.5, 1).
    """
    mean, variance, cycle, beta = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (mean, variance, cycle_qty, fill_rate))
    )
    variance = np.maximum(variance, mean)
    allowed = (1.0 - beta) * np.maximum(cycle, 1e-9)
    rop = np.array(mean, dtype=float, copy=True)
    exact = (mean > 0) & (mean + SPREAD_SIGMAS * np.sqrt(variance) <= GRID_UNITS)
    if exact.any():
        rop[exact] = _exact_rop(mean[exact], variance[exact], allowed[exact])
    wide = ~exact & (variance > 0)  # a forecast of nothing with an error keeps z × σ
    if wide.any():
        sigma = np.sqrt(variance[wide])
        z = _normal_z(allowed[wide] / sigma)
        rop[wide] = mean[wide] + z * sigma
    return np.maximum(rop, mean), exact


def cycle_service_reorder_point(mean, variance, level) -> tuple[np.ndarray, np.ndarray]:
    """The reorder point that lasts the lead time in a share ``level`` of cycles: the smallest
    whole s with P(X ≤ s) ≥ level (negative binomial / Poisson), never below the normal's
    mean + z(level) × σ, which is also the answer beyond the grid. Returns it and whether the
    exact distribution decided it.

    The normal is a floor because a small mean with a large error (a forecast that under-calls a
    slow seller: its error is mostly bias) makes a negative binomial put nearly all its mass on
    zero and ask for no stock at all; the distribution is trusted to add stock (a skewed tail,
    whole units), not to remove what the error asks for."""
    mean, variance, level = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (mean, variance, level))
    )
    variance = np.maximum(variance, mean)
    rop = np.array(mean, dtype=float, copy=True)
    span = mean + SPREAD_SIGMAS * np.sqrt(variance)
    exact = (mean > 0) & (span <= GRID_UNITS)
    low = 0.0
    for units in TIERS:
        group = exact & (span > low) & (span <= units)
        low = units
        if group.any():
            cdf = np.cumsum(_pmf(mean[group], variance[group], units + 1), axis=0)
            meets = cdf >= level[group] - 1e-12
            rop[group] = np.where(meets.any(axis=0), meets.argmax(axis=0), units)
    from scipy.stats import norm

    normal = mean + norm.ppf(level) * np.sqrt(variance)
    decided = exact & (rop > normal)
    return np.maximum.reduce([rop, normal, mean]), decided


def _pmf(mean: np.ndarray, variance: np.ndarray, units: int) -> np.ndarray:
    """P(X = k) for k = 0 ... units − 1 (rows) and each item (columns), by the Panjer recursion
    p(k) = p(k−1) × (a + b / k): Poisson a = 0, b = mean; negative binomial a = q,
    b = (r − 1) q with r = mean² / (variance − mean), q = 1 − mean / variance."""
    with np.errstate(divide="ignore", invalid="ignore"):
        poisson = variance <= mean * (1 + 1e-9)
        q = np.where(poisson, 0.0, 1.0 - mean / variance)
        r = np.where(poisson, 1.0, mean**2 / (variance - mean))
        first = np.where(poisson, np.exp(-mean), np.exp(r * np.log1p(-q)))
        a = q
        b = np.where(poisson, mean, (r - 1.0) * q)
    pmf = np.empty((units, len(mean)))
    pmf[0] = first
    for k in range(1, units):
        np.multiply(pmf[k - 1], a + b / k, out=pmf[k])
    return pmf


def _exact_rop(mean: np.ndarray, variance: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The smallest whole s with E[(X − s)⁺] ≤ allowed; items are worked in groups by how many
    units their distribution spans (most sell a few units over a lead time)."""
    span = mean + SPREAD_SIGMAS * np.sqrt(variance)
    rop = np.full(len(mean), float(GRID_UNITS))
    low = 0.0
    for units in TIERS:
        group = (span > low) & (span <= units)
        low = units
        if not group.any():
            continue
        m, a = mean[group], allowed[group]
        pmf = _pmf(m, variance[group], units + 1)
        above = np.clip(1.0 - np.cumsum(pmf, axis=0), 0.0, 1.0)
        # row s: E[(X − s)⁺] = mean − Σ_{k<s} P(X > k), s = 0 ... units
        shortage = np.vstack([m, m - np.cumsum(above, axis=0)[:-1]])
        meets = shortage <= a + 1e-12
        rop[group] = np.where(meets.any(axis=0), meets.argmax(axis=0), units)
    return rop


def _normal_z(ratio: np.ndarray) -> np.ndarray:
    """z ≥ 0 with G(z) = ratio (G decreasing); 0 where even no safety stock meets it."""
    low = np.zeros_like(ratio)
    high = np.full_like(ratio, MAX_Z)
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        too_short = normal_loss(middle) > ratio
        low = np.where(too_short, middle, low)
        high = np.where(too_short, high, middle)
    return np.where(ratio >= normal_loss(0.0), 0.0, high)
