"""Gamma-Gamma spend model (Fader & Hardie 2013): how much a customer's purchase is worth.

A customer's purchase amounts are Gamma(p, nu) around their own mean, and nu varies across
customers as Gamma(q, gamma). Fitted by maximum likelihood on each customer's number of purchases
and their mean amount; a customer's expected mean purchase shrinks their own mean towards the
population's, more so the fewer purchases they made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float


def log_likelihood(params: GammaGammaParams, n, mean_amount) -> np.ndarray:
    """Log-likelihood of each customer's mean amount over n purchases (up to a constant)."""
    p, q, g = params.p, params.q, params.gamma
    n = np.asarray(n, dtype=float)
    m = np.asarray(mean_amount, dtype=float)
    return (
        special.gammaln(p * n + q)
        - special.gammaln(p * n)
        - special.gammaln(q)
        + q * np.log(g)
        + (p * n - 1) * np.log(m)
        + p * n * np.log(n)
        - (p * n + q) * np.log(g + m * n)
    )


def fit_gamma_gamma(n, mean_amount) -> GammaGammaParams:
    """Maximum-likelihood parameters; q is kept above 1 so that the population mean exists."""
    n = np.asarray(n, dtype=float)
    m = np.asarray(mean_amount, dtype=float)
    keep = (n > 0) & (m > 0)
    n, m = n[keep], m[keep]
    if len(n) < 2:
        raise ValueError("se necesitan al menos dos clientes con compras para ajustar Gamma-Gamma")
    scale = float(np.median(m))  # fitted on amounts in units of the median, then scaled back
    m = m / scale

    def negative(log_params: np.ndarray) -> float:
        p, q_minus_one, g = np.exp(log_params)
        value = -log_likelihood(GammaGammaParams(p, 1 + q_minus_one, g), n, m).mean()
        return value if np.isfinite(value) else 1e12

    result = optimize.minimize(
        negative, np.log([2.0, 2.0, 2.0]), method="L-BFGS-B", bounds=[(-10.0, 10.0)] * 3
    )
    p, q_minus_one, g = np.exp(result.x)
    return GammaGammaParams(p, 1 + q_minus_one, g * scale)


def expected_mean_amount(params: GammaGammaParams, n, mean_amount) -> np.ndarray:
    """E[M | n, mean]: the customer's expected purchase value (population mean when n = 0)."""
    p, q, g = params.p, params.q, params.gamma
    n = np.asarray(n, dtype=float)
    m = np.nan_to_num(np.asarray(mean_amount, dtype=float))
    return (g + m * n) * p / (p * n + q - 1)
