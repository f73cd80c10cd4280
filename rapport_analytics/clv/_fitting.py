"""Shared machinery: compressed customer data and maximum-likelihood fitting.

Purchase-model likelihoods split into terms that depend on (x), (x, t_x) or (x, T)
only. Computing the expensive special functions once per distinct pair and then
gathering keeps a million-customer fit to a few tens of milliseconds per step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def dot(left: FloatArray, right: FloatArray) -> float:
    """Σ left·right without BLAS: OpenBLAS threads on a busy 2-core host slow fits 20-fold."""
    return float(np.einsum("i,i->", left, right))


def matvec(matrix: FloatArray, vector: FloatArray) -> FloatArray:
    """matrix @ vector without BLAS, for the same reason as ``dot``."""
    return np.einsum("ij,j->i", matrix, vector)


def _codes(values: FloatArray) -> tuple[IntArray, int]:
    """Integer codes that are equal exactly when values are equal, and how many codes exist.

    Summaries hold whole days divided by the unit, so scaling by 1 or 7 usually gives exact
    integers: then codes need no sort. Otherwise fall back to np.unique.
    """
    for scale in (1.0, 7.0):
        rounded = np.rint(values * scale)
        # Exact round trip: the values were computed as whole numbers / scale.
        if len(values) and rounded.max() < 2**31 and np.array_equal(rounded / scale, values):
            return rounded.astype(np.int64), int(rounded.max()) + 1
    uniques, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64).ravel(), len(uniques)


def _group(keys: IntArray, key_space: int) -> tuple[IntArray, IntArray, FloatArray]:
    """For equal keys: one representative index per group, each key's group, group sizes."""
    if key_space <= 8 * len(keys) + 2**20:
        counts = np.bincount(keys, minlength=key_space)
        occupied = counts > 0
        group_of_key = np.cumsum(occupied) - 1
        group = group_of_key[keys]
        representative = np.empty(int(occupied.sum()), dtype=np.int64)
        representative[group] = np.arange(len(keys))  # any member will do: all are equal
        return representative, group, counts[occupied].astype(np.float64)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.astype(np.int64).ravel()
    return first.astype(np.int64), inverse, np.bincount(inverse).astype(np.float64)


@dataclass(frozen=True)
class PairIndex:
    """Distinct (x, y) pairs and, for every compressed row, the index of its pair."""

    x: FloatArray
    y: FloatArray
    row_pair: IntArray

    def total(self, row_values: FloatArray) -> FloatArray:
        """Sum ``row_values`` over the rows that share each pair."""
        totals = np.bincount(self.row_pair, weights=row_values, minlength=len(self.x))
        return totals.astype(np.float64, copy=False)


@dataclass(frozen=True)
class CompressedCustomers:
    """Distinct (x, t_x, T) rows with counts, plus pair indexes used by the models."""

    frequency: FloatArray
    recency: FloatArray
    age: FloatArray
    weight: FloatArray
    customer_row: IntArray  # row of each original customer
    by_recency: PairIndex  # (x, t_x)
    by_age: PairIndex  # (x, T)

    @property
    def n_customers(self) -> int:
        return len(self.customer_row)

    def expand(self, row_values: FloatArray) -> FloatArray:
        return row_values[self.customer_row]


def _pair_index(
    x_codes: IntArray, y_codes: IntArray, y_space: int, x_values: FloatArray, y_values: FloatArray
) -> PairIndex:
    keys = x_codes * y_space + y_codes
    representative, pair, _ = _group(keys, (int(x_codes.max()) + 1) * y_space)
    return PairIndex(x=x_values[representative], y=y_values[representative], row_pair=pair)


def compress_customers(
    *, frequency: npt.ArrayLike, recency: npt.ArrayLike, age: npt.ArrayLike
) -> CompressedCustomers:
    """Group customers with identical (x, t_x, T); the likelihoods only need each group once."""
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    T = np.asarray(age, dtype=np.float64)
    if not (x.shape == t_x.shape == T.shape) or x.ndim != 1:
        raise ValueError("frequency, recency and age must be 1-D arrays of one length")
    if len(x) == 0:
        raise ValueError("no customers to fit or score")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T) or not np.all(np.isfinite(T)):
        raise ValueError("need x >= 0 and 0 <= t_x <= T (finite)")
    x_codes, n_x = _codes(x)
    t_codes, n_t = _codes(t_x)
    T_codes, n_T = _codes(T)
    if n_x * n_t * n_T < 2**62:
        keys = (x_codes * n_t + t_codes) * n_T + T_codes
        first, row, weight = _group(keys, n_x * n_t * n_T)
    else:
        stacked = np.stack([x_codes, t_codes, T_codes], axis=1)
        _, first, row = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        row = row.astype(np.int64).ravel()
        weight = np.bincount(row).astype(np.float64)
    rx, rt, rT = x[first], t_x[first], T[first]
    return CompressedCustomers(
        frequency=rx,
        recency=rt,
        age=rT,
        weight=weight,
        customer_row=row,
        by_recency=_pair_index(x_codes[first], t_codes[first], n_t, rx, rt),
        by_age=_pair_index(x_codes[first], T_codes[first], n_T, rx, rT),
    )


P = TypeVar("P")


@dataclass(frozen=True)
class FitResult(Generic[P]):
    """A maximum-likelihood fit: estimates, standard errors (NaN if the Hessian is singular)."""

    params: P
    standard_errors: P
    log_likelihood: float
    n_customers: int
    converged: bool
    iterations: int


@dataclass(frozen=True)
class CustomerMeans:
    """Weighted means of a compressed population: where a purchase model's search starts."""

    frequency: float
    age: float

    @classmethod
    def of(cls, data: CompressedCustomers) -> CustomerMeans:
        return cls(
            frequency=dot(data.frequency, data.weight) / data.weight.sum(),
            age=dot(data.age, data.weight) / data.weight.sum(),
        )

    @property
    def purchase_interval(self) -> float:
        """Mean time between purchases (floored): a rate scale that matches the purchase rate."""
        return max(self.age / max(self.frequency, 1e-3), 1e-3)


def fit_purchase_params(
    data: CompressedCustomers,
    *,
    make_params: Callable[..., P],
    log_likelihood: Callable[[P, CompressedCustomers], tuple[float, FloatArray]],
    initial: Callable[[CustomerMeans], Sequence[float]],
) -> FitResult[P]:
    """Fit a purchase model (BG/NBD, Pareto/NBD) on compressed customers, from a start
    that ``initial`` derives from the population's means."""
    return fit_maximum_likelihood(
        lambda params: log_likelihood(params, data),
        make_params=make_params,
        initial=initial(CustomerMeans.of(data)),
        scale=float(data.weight.sum()),
        n_customers=data.n_customers,
    )


def fit_maximum_likelihood(
    log_likelihood: Callable[[P], tuple[float, FloatArray]],
    *,
    make_params: Callable[..., P],
    initial: Sequence[float],
    scale: float,
    n_customers: int,
) -> FitResult[P]:
    """Maximise over log-parameters with L-BFGS-B, then Hessian-based standard errors.

    ``log_likelihood`` returns the total and its gradient with respect to the natural
    parameters, built by ``make_params(*values)``. ``scale`` (usually the customer count)
    keeps the objective O(1) so the default tolerances mean the same thing for 2,000 or
    2,000,000 customers.
    """

    def of_values(values: FloatArray) -> tuple[float, FloatArray]:
        return log_likelihood(make_params(*values))

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        params = np.exp(log_params)
        value, gradient = of_values(params)
        if not np.isfinite(value):
            return 1e300, np.zeros_like(log_params)
        return -value / scale, -(gradient * params) / scale

    start = np.log(np.asarray(initial, dtype=np.float64))
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-20.0, 20.0)] * len(start),
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9, "maxcor": 5},
    )
    values = np.exp(result.x)
    value, _ = of_values(values)
    return FitResult(
        params=make_params(*values.tolist()),
        standard_errors=make_params(*_standard_errors(of_values, values).tolist()),
        log_likelihood=float(value),
        n_customers=n_customers,
        # L-BFGS-B may stop on a line-search failure at machine precision; a vanishing
        # gradient (per customer) still means we are at the optimum.
        converged=bool(result.success) or float(np.max(np.abs(result.jac))) < 1e-5,
        iterations=int(result.nit),
    )


def _standard_errors(
    log_likelihood: Callable[[FloatArray], tuple[float, FloatArray]], values: FloatArray
) -> FloatArray:
    """Square roots of the inverse observed information, by central differences of the gradient."""
    k = len(values)
    hessian = np.empty((k, k))
    for j in range(k):
        step = 1e-5 * values[j]
        up, down = values.copy(), values.copy()
        up[j] += step
        down[j] -= step
        hessian[:, j] = (log_likelihood(up)[1] - log_likelihood(down)[1]) / (2 * step)
    information = -(hessian + hessian.T) / 2
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    variances = np.diag(covariance)
    return np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)
