"""Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987; Fader & Hardie's notes).

Per customer, with C = Γ(r+x) α^r β^s / Γ(r):
  L = C [ (α+T)^−(r+x) (β+T)^−s  +  s (J(t_x) − J(T)) ]
  J(y) = ∫_y^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ
J is the 2F1 term of the usual closed form. scipy's hyp2f1 returns NaN for heavy buyers
(parameters in the thousands, argument near 1), so J is computed by quadrature instead:
with m = max(α, β), z = |α−β| / (m+y), n = r+s+x and e the exponent of the smaller of
α, β, J(y) = (m+y)^−n ∫_0^∞ e^(−nv) (1 − z e^−v)^−e dv. The integrand is log-convex and
decays at least at rate n, so Gauss-Legendre on geometrically graded panels in u = n v,
summed in log space, stays accurate and finite from x = 0 to x in the tens of thousands.
The same weights give the gradient (differentiating under the integral).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from scipy.special import digamma, gammaln

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

NAME = "pnbd"
_PANELS = 14
_NODES_PER_PANEL = 6
_U_MAX = 60.0  # e^-60 of the integral's first value: negligible
_CHUNK = 256  # pairs per block: keeps the (pairs × nodes) temporaries in cache


@dataclass(frozen=True)
class ParetoNBDParams:
    r: float
    alpha: float
    s: float
    beta: float


_gl_nodes, _gl_weights = np.polynomial.legendre.leggauss(_NODES_PER_PANEL)
_unit_nodes = (_gl_nodes + 1) / 2  # on [0, 1]
_log_unit_weights = np.log(_gl_weights / 2)


def _log_tail_integral_block(
    params: ParetoNBDParams, x: FloatArray, y: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r, alpha, s, beta = astuple(params)
    alpha_larger = alpha >= beta
    m = max(alpha, beta)
    n = r + s + x
    e = np.full_like(x, s + 1) if alpha_larger else r + x
    z = abs(alpha - beta) / (m + y)
    # Initial decay rate in u = n v; the first panel is short enough to resolve it.
    rate = 1 + e * z / (n * (1 - z))
    first = np.minimum(0.2 / rate, 0.2)
    fractions = np.linspace(0.0, 1.0, _PANELS + 1)
    edges = np.zeros((len(x), _PANELS + 2))
    edges[:, 1:] = first[:, None] * np.exp(np.log(_U_MAX / first)[:, None] * fractions)
    width = np.diff(edges, axis=1)
    u = (edges[:, :-1, None] + width[:, :, None] * _unit_nodes).reshape(len(x), -1)
    log_w = (np.log(width)[:, :, None] + _log_unit_weights).reshape(len(x), -1)
    v = u / n[:, None]
    decay = np.exp(-v)
    gap = 1 - z[:, None] * decay  # 1 − z e^−v, in (0, 1]
    log_gap = np.log(gap)
    log_terms = log_w - u - e[:, None] * log_gap
    peak = log_terms.max(axis=1)
    weights = np.exp(log_terms - peak[:, None])
    total = weights.sum(axis=1)
    mean_v = np.einsum("ij,ij->i", weights, v) / total
    mean_log_gap = np.einsum("ij,ij->i", weights, log_gap) / total
    mean_ratio = np.einsum("ij,ij->i", weights, decay / gap) / total
    log_m_y = np.log(m + y)
    # The sum approximates ∫ du = n ∫ dv, hence the − ln n.
    value = -n * log_m_y + peak + np.log(total) - np.log(n)
    grad = np.empty((4, len(x)))
    common = -log_m_y - mean_v
    grad[0] = common - (0.0 if alpha_larger else mean_log_gap)
    grad[2] = common - (mean_log_gap if alpha_larger else 0.0)
    d_z = e * mean_ratio
    if alpha_larger:
        grad[1] = -n / (alpha + y) + d_z * (beta + y) / (alpha + y) ** 2
        grad[3] = -d_z / (alpha + y)
    else:
        grad[1] = -d_z / (beta + y)
        grad[3] = -n / (beta + y) + d_z * (alpha + y) / (beta + y) ** 2
    return value, grad


def log_tail_integral(
    params: ParetoNBDParams, x: FloatArray, y: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """ln J(y) for each (x, y) pair and its gradient (4 × pairs) w.r.t. (r, α, s, β)."""
    values = np.empty(len(x))
    grads = np.empty((4, len(x)))
    for start in range(0, len(x), _CHUNK):
        part = slice(start, start + _CHUNK)
        values[part], grads[:, part] = _log_tail_integral_block(params, x[part], y[part])
    return values, grads


def _age_terms(
    params: ParetoNBDParams, pairs: PairIndex
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """ln C + ln F on (x, T) pairs, and gradients of ln C and ln F separately."""
    r, alpha, s, beta = astuple(params)
    x, T = pairs.x, pairs.y
    log_c = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_f = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    grad_c = np.empty((4, len(x)))
    grad_c[0] = digamma(r + x) - digamma(r) + np.log(alpha)
    grad_c[1] = r / alpha
    grad_c[2] = np.log(beta)
    grad_c[3] = s / beta
    grad_f = np.empty((4, len(x)))
    grad_f[0] = -np.log(alpha + T)
    grad_f[1] = -(r + x) / (alpha + T)
    grad_f[2] = -np.log(beta + T)
    grad_f[3] = -s / (beta + T)
    return log_c, log_f, grad_c, grad_f


@dataclass(frozen=True)
class _RowTerms:
    log_f: FloatArray
    log_jt: FloatArray
    log_jT: FloatArray
    log_bracket: FloatArray  # ln(F + s (J(t_x) − J(T)))


def _row_terms(
    params: ParetoNBDParams,
    data: CompressedCustomers,
    log_f_pairs: FloatArray,
    log_jt_pairs: FloatArray,
    log_jT_pairs: FloatArray,
) -> _RowTerms:
    log_f = log_f_pairs[data.by_age.row_pair]
    log_jt = log_jt_pairs[data.by_recency.row_pair]
    log_jT = log_jT_pairs[data.by_age.row_pair]
    gap = np.minimum(log_jT - log_jt, 0.0)
    with np.errstate(divide="ignore"):
        log_between = np.log(params.s) + log_jt + np.log(-np.expm1(gap))
    return _RowTerms(log_f, log_jt, log_jT, np.logaddexp(log_f, log_between))


def log_likelihood(params: ParetoNBDParams, data: CompressedCustomers) -> tuple[float, FloatArray]:
    """Total log-likelihood and its gradient with respect to (r, α, s, β)."""
    log_c, log_f, grad_c, grad_f = _age_terms(params, data.by_age)
    log_jT, grad_jT = log_tail_integral(params, data.by_age.x, data.by_age.y)
    log_jt, grad_jt = log_tail_integral(params, data.by_recency.x, data.by_recency.y)
    rows = _row_terms(params, data, log_f, log_jt, log_jT)
    w = data.weight
    total = dot(w, log_c[data.by_age.row_pair] + rows.log_bracket)
    share_f = np.exp(rows.log_f - rows.log_bracket)
    share_t = params.s * np.exp(rows.log_jt - rows.log_bracket)
    share_T = params.s * np.exp(rows.log_jT - rows.log_bracket)
    gradient = matvec(grad_c, data.by_age.total(w)) + matvec(grad_f, data.by_age.total(w * share_f))
    gradient += matvec(grad_jt, data.by_recency.total(w * share_t))
    gradient -= matvec(grad_jT, data.by_age.total(w * share_T))
    gradient[2] += dot(w, share_t - share_T) / params.s
    return total, gradient


def _start(means: CustomerMeans) -> list[float]:
    # α matches the mean purchase rate and β the mean age: lifetimes about as long as seen.
    return [1.0, means.purchase_interval, 1.0, means.age]


def fit(data: CompressedCustomers) -> FitResult[ParetoNBDParams]:
    return fit_purchase_params(
        data, make_params=ParetoNBDParams, log_likelihood=log_likelihood, initial=_start
    )


def probability_alive_rows(params: ParetoNBDParams, data: CompressedCustomers) -> FloatArray:
    _, log_f, _, _ = _age_terms(params, data.by_age)
    log_jT, _ = log_tail_integral(params, data.by_age.x, data.by_age.y)
    log_jt, _ = log_tail_integral(params, data.by_recency.x, data.by_recency.y)
    rows = _row_terms(params, data, log_f, log_jt, log_jT)
    return np.exp(np.minimum(rows.log_f - rows.log_bracket, 0.0))


def expected_purchases_if_alive(params: ParetoNBDParams, pairs: PairIndex, t: float) -> FloatArray:
    """E[X(T, T+t) | alive at T, x] on (x, T) pairs; times P(alive) gives the conditional mean."""
    r, alpha, s, beta = astuple(params)
    x, T = pairs.x, pairs.y
    if t <= 0:
        return np.zeros(len(x))
    log_ratio = np.log1p(t / (beta + T))  # ln((β+T+t)/(β+T))
    if abs(s - 1) < 1e-9:
        lifetime_factor = (beta + T) * log_ratio
    else:
        lifetime_factor = (beta + T) * -np.expm1(-(s - 1) * log_ratio) / (s - 1)
    return (r + x) / (alpha + T) * lifetime_factor


def expected_purchases_new_customer(params: ParetoNBDParams, *, t: float) -> float:
    zero = np.zeros(1)
    return float(
        expected_purchases_if_alive(params, PairIndex(zero, zero, zero.astype(np.int64)), t)[0]
    )
