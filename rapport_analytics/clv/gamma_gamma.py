"""Gamma-Gamma spend model (Fader & Hardie, "The Gamma-Gamma model of monetary value").

Fitted on customers with x > 0 repeat purchases and mean repeat spend zbar:
  LL = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x + (px−1) ln zbar − (px+q) ln(γ + x zbar)
Only ln(γ + x zbar) needs a pass over customers; the gamma functions depend on x alone
and the zbar terms reduce to sufficient statistics, so a fit stays cheap at 10^6 customers.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

from rapport_analytics.clv._fitting import FitResult, FloatArray, dot, fit_maximum_likelihood

NAME = "gamma_gamma"


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class _SpendData:
    x: FloatArray
    zbar: FloatArray
    total_spend: FloatArray  # x · zbar
    x_values: FloatArray  # distinct x
    x_counts: FloatArray
    sum_x_log_x_zbar: float  # Σ x ln(x zbar), the part of px ln x + px ln zbar
    sum_log_zbar: float


def _prepare(frequency: npt.ArrayLike, monetary_value: npt.ArrayLike) -> _SpendData:
    x = np.asarray(frequency, dtype=np.float64)
    zbar = np.asarray(monetary_value, dtype=np.float64)
    keep = (x > 0) & (zbar > 0)
    x, zbar = x[keep], zbar[keep]
    if len(x) < 3:
        raise ValueError("the spend model needs at least 3 customers with repeat purchases")
    x_values, x_counts = np.unique(x, return_counts=True)
    total = x * zbar
    return _SpendData(
        x=x,
        zbar=zbar,
        total_spend=total,
        x_values=x_values,
        x_counts=x_counts.astype(np.float64),
        sum_x_log_x_zbar=dot(x, np.log(total)),
        sum_log_zbar=float(np.log(zbar).sum()),
    )


def _log_likelihood(params: GammaGammaParams, data: _SpendData) -> tuple[float, FloatArray]:
    p, q, gamma = astuple(params)
    xs, counts = data.x_values, data.x_counts
    px = p * xs
    per_x = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
    # Four passes over customers: Σx·ln(γ+x zbar), Σln(γ+x zbar), Σx/(γ+x zbar), Σ1/(γ+x zbar).
    shifted = gamma + data.total_spend
    log_shifted = np.log(shifted)
    x_log, sum_log = dot(data.x, log_shifted), float(log_shifted.sum())
    np.reciprocal(shifted, out=shifted)
    x_inverse, sum_inverse = dot(data.x, shifted), float(shifted.sum())
    value = (
        dot(counts, per_x)
        + p * data.sum_x_log_x_zbar
        - data.sum_log_zbar
        - (p * x_log + q * sum_log)
    )
    grad = np.empty(3)
    grad[0] = dot(counts, xs * (digamma(px + q) - digamma(px))) + data.sum_x_log_x_zbar - x_log
    grad[1] = dot(counts, digamma(px + q) - digamma(q) + np.log(gamma)) - sum_log
    grad[2] = len(data.x) * q / gamma - (p * x_inverse + q * sum_inverse)
    return value, grad


def log_likelihood(
    params: GammaGammaParams, *, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> float:
    return _log_likelihood(params, _prepare(frequency, monetary_value))[0]


def fit(*, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike) -> FitResult[GammaGammaParams]:
    """Fit on customers with x > 0 and positive mean repeat spend (others carry no spend data)."""
    data = _prepare(frequency, monetary_value)
    mean, variance = float(data.zbar.mean()), float(data.zbar.var())
    # Method-of-moments-ish start: shape from the coefficient of variation, q > 1 for a finite mean.
    p0 = float(np.clip(mean**2 / max(variance, 1e-12), 0.1, 100.0))
    initial = [p0, 3.0, 2.0 * mean / p0]
    return fit_maximum_likelihood(
        lambda params: _log_likelihood(params, data),
        make_params=GammaGammaParams,
        initial=initial,
        scale=float(len(data.x)),
        n_customers=len(data.x),
    )


def expected_average_spend(
    params: GammaGammaParams, *, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> FloatArray:
    """E[mean spend | x, zbar]; the population mean p γ / (q − 1) when x = 0."""
    p, q, gamma = astuple(params)
    if q <= 1:
        raise ValueError(f"expected spend is infinite when q <= 1 (q = {q:.4g})")
    x = np.asarray(frequency, dtype=np.float64)
    zbar = np.asarray(monetary_value, dtype=np.float64)
    has_spend = (x > 0) & (zbar > 0)
    x_used = np.where(has_spend, x, 0.0)
    return p * (gamma + x_used * np.where(has_spend, zbar, 0.0)) / (p * x_used + q - 1)
