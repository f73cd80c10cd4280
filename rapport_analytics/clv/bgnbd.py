"""BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

Log-likelihood per customer, kept in log space so heavy buyers do not overflow:
  LL = A1 + A2 + logaddexp(A3, [x > 0] A4)
  A1 = lnΓ(r+x) − lnΓ(r) + r ln α
  A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
  A3 = −(r+x) ln(α+T)
  A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
A1 + A2 + A3 depends on (x, T) only and A1 + A2 + A4 on (x, t_x) only.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from rapport_analytics.clv._fitting import (
    CompressedCustomers,
    CustomerMeans,
    FitResult,
    FloatArray,
    PairIndex,
    dot,
    fit_purchase_params,
    matvec,
)

NAME = "bgnbd"


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float


def _pair_terms(
    params: BGNBDParams, x: FloatArray, y: FloatArray, *, at_recency: bool
) -> tuple[FloatArray, FloatArray]:
    """Log term on a pair table and its gradient (4 × pairs) w.r.t. (r, α, a, b)."""
    r, alpha, a, b = astuple(params)
    log_alpha_y = np.log(alpha + y)
    value = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
        - (r + x) * log_alpha_y
    )
    d_shared_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x)
    grad = np.empty((4, len(x)))
    grad[0] = digamma(r + x) - digamma(r) + np.log(alpha) - log_alpha_y
    grad[1] = r / alpha - (r + x) / (alpha + y)
    grad[2] = digamma(a + b) - digamma(a + b + x)
    grad[3] = d_shared_b
    if at_recency:
        repeat = x > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            b_term = np.where(repeat, b + x - 1, 1.0)
            value = np.where(repeat, value + np.log(a) - np.log(b_term), -np.inf)
        grad[2] += 1 / a
        grad[3] -= 1 / b_term
        grad[:, ~repeat] = 0.0
    return value, grad


def log_likelihood(params: BGNBDParams, data: CompressedCustomers) -> tuple[float, FloatArray]:
    """Total log-likelihood and its gradient with respect to (r, α, a, b)."""
    at_age, grad_age = _pair_terms(params, data.by_age.x, data.by_age.y, at_recency=False)
    at_recency, grad_recency = _pair_terms(
        params, data.by_recency.x, data.by_recency.y, at_recency=True
    )
    row_age = at_age[data.by_age.row_pair]
    row_recency = at_recency[data.by_recency.row_pair]
    row_ll = np.logaddexp(row_age, row_recency)
    share_recency = np.exp(row_recency - row_ll)
    total = dot(data.weight, row_ll)
    gradient = matvec(grad_age, data.by_age.total(data.weight * (1 - share_recency)))
    gradient += matvec(grad_recency, data.by_recency.total(data.weight * share_recency))
    return total, gradient


def _start(means: CustomerMeans) -> list[float]:
    # Where the mean purchase rate matches the data; a, b = 1 is a flat dropout prior.
    return [1.0, means.purchase_interval, 1.0, 1.0]


def fit(data: CompressedCustomers) -> FitResult[BGNBDParams]:
    return fit_purchase_params(
        data, make_params=BGNBDParams, log_likelihood=log_likelihood, initial=_start
    )


def probability_alive_rows(params: BGNBDParams, data: CompressedCustomers) -> FloatArray:
    """P(alive | x, t_x, T) for each compressed row."""
    r, alpha, a, b = astuple(params)
    rec = data.by_recency
    with np.errstate(divide="ignore"):
        odds_recency = np.where(
            rec.x > 0,
            np.log(a)
            - np.log(np.maximum(b + rec.x - 1, 1e-300))
            - (r + rec.x) * np.log(alpha + rec.y),
            -np.inf,
        )
    odds_age = (r + data.by_age.x) * np.log(alpha + data.by_age.y)
    log_odds_dead = odds_recency[rec.row_pair] + odds_age[data.by_age.row_pair]
    return expit(-log_odds_dead)


def expected_purchases_if_alive(params: BGNBDParams, pairs: PairIndex, t: float) -> FloatArray:
    """E[X(T, T+t) | alive at T, x] on (x, T) pairs; times P(alive) gives the conditional mean.

    Uses the Euler transform of the 2F1 so its parameters stay small for heavy buyers:
    (1−z)^(r+x) 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z).
    """
    r, alpha, a, b = astuple(params)
    x, T = pairs.x, pairs.y
    if t <= 0:
        return np.zeros(len(x))
    z = t / (alpha + T + t)
    hyp = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    # With a + b < 1 the 2F1 is negative for x = 0: no log then, the product directly.
    with np.errstate(invalid="ignore"):
        log_survivor = (a - 1) * np.log1p(-z) + np.log(hyp)
    not_surviving = np.where(
        hyp > 0, -np.expm1(log_survivor), 1.0 - np.exp((a - 1) * np.log1p(-z)) * hyp
    )
    return (a + b + x - 1) / (a - 1) * not_surviving


def expected_purchases_new_customer(params: BGNBDParams, *, t: float) -> float:
    """E[X(t)] for a customer just acquired (their first purchase at time 0)."""
    zero = np.zeros(1)
    return float(
        expected_purchases_if_alive(params, PairIndex(zero, zero, zero.astype(np.int64)), t)[0]
    )
