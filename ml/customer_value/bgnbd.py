"""BG/NBD (Fader, Hardie & Lee 2005): how often a customer buys and whether they are still active.

Each customer buys as a Poisson process with a rate drawn from Gamma(r, alpha) and, after each
purchase, leaves for good with a probability drawn from Beta(a, b). The four parameters are
fitted by maximum likelihood on (x, t_x, T) per customer; identical triples are counted once
with a weight, so large customer bases cost little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float


def _weighted_triples(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    grouped = summary.groupby(["frequency", "recency", "T"], sort=False).size().reset_index()
    return (
        grouped["frequency"].to_numpy(float),
        grouped["recency"].to_numpy(float),
        grouped["T"].to_numpy(float),
        grouped[0].to_numpy(float),
    )


def log_likelihood(params: BGNBDParams, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood (equation 6 of the paper)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full_like(x, -np.inf)
    a4[repeat] = (
        np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def fit_bgnbd(summary: pd.DataFrame) -> BGNBDParams:
    """Maximum-likelihood parameters for a ``rfm_summary`` frame (log-parameters, L-BFGS-B)."""
    x, t_x, T, weight = _weighted_triples(summary)
    if weight.sum() < 2 or not (x > 0).any():
        raise ValueError("se necesitan clientes con compras repetidas para ajustar BG/NBD")

    def negative(log_params: np.ndarray) -> float:
        params = BGNBDParams(*np.exp(log_params))
        value = -(weight * log_likelihood(params, x, t_x, T)).sum() / weight.sum()
        return value if np.isfinite(value) else 1e12

    start = np.log([1.0, max(float(np.average(T, weights=weight)), 1.0) / 10.0, 1.0, 1.0])
    best = None
    for guess in (start, start + np.log([0.3, 1.0, 0.5, 2.0])):
        result = optimize.minimize(negative, guess, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * 4)
        if best is None or result.fun < best.fun:
            best = result
    return BGNBDParams(*np.exp(best.x))


def p_alive(params: BGNBDParams, x, t_x, T) -> np.ndarray:
    """Probability that the customer has not left by T, given their history."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    odds = np.zeros_like(x)
    repeat = x > 0
    odds[repeat] = np.exp(
        np.log(a)
        - np.log(b + x[repeat] - 1)
        + (r + x[repeat]) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return 1.0 / (1.0 + odds)


def expected_purchases(params: BGNBDParams, horizon, x, t_x, T, nodes: int = 48) -> np.ndarray:
    """Expected purchases in (T, T + horizon] given the history.

    Equal to the paper's equation 10, computed without its Gaussian hypergeometric function
    (scipy's loses all precision for customers with many purchases or a near-zero dropout
    parameter): given the customer is alive, their rate is Gamma(r + x, alpha + T) and their
    dropout probability Beta(a, b + x), and a customer with (lambda, p) makes
    (1 - exp(-lambda p t)) / p purchases in t on average. The Gamma is integrated in closed form,
    the Beta by Gauss-Jacobi quadrature (one set of nodes per distinct x).
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    t = float(horizon)
    given_alive = np.empty_like(x)
    for value in np.unique(x):
        rows = x == value
        # weight p^(a-1) (1-p)^(b+x-1) on (0, 1) as (1+u)^(a-1) (1-u)^(b+x-1) on (-1, 1)
        u, w = special.roots_jacobi(nodes, b + value - 1, a - 1)
        p = (1 + u) / 2
        shape, rate = r + value, alpha + T[rows]
        gain = -np.expm1(-shape * np.log1p(np.outer(t / rate, p)))  # 1 - (A / (A + p t))^R
        given_alive[rows] = gain / p @ w / w.sum()
    return given_alive * p_alive(params, x, t_x, T)
