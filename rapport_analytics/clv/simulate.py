"""Draw synthetic customers from the models, for parameter-recovery tests and the benchmark.

Summaries are drawn exactly in continuous time; transaction logs put purchases on whole
days (so same-day purchases merge, as in real data).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import numpy.typing as npt

from rapport_analytics.clv.bgnbd import BGNBDParams
from rapport_analytics.clv.gamma_gamma import GammaGammaParams
from rapport_analytics.clv.pnbd import ParetoNBDParams
from rapport_analytics.clv.summary import TransactionLog

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SimulatedCustomers:
    frequency: FloatArray
    recency: FloatArray
    age: FloatArray


def _recency_of_last(
    rng: np.random.Generator,
    *,
    count: npt.NDArray[np.int64],
    of: npt.NDArray[np.int64],
    span: FloatArray,
) -> FloatArray:
    """Time of the count-th of ``of`` uniform events on (0, span): span × Beta(count, of−count+1)."""
    recency = np.zeros(len(count))
    some = count > 0
    recency[some] = span[some] * rng.beta(count[some], of[some] - count[some] + 1)
    return recency


def simulate_bgnbd(
    params: BGNBDParams, *, age: npt.ArrayLike, rng: np.random.Generator
) -> SimulatedCustomers:
    """BG/NBD customers observed for ``age`` periods after their first purchase."""
    r, alpha, a, b = astuple(params)
    T = np.asarray(age, dtype=np.float64)
    rate = rng.gamma(r, 1.0 / alpha, size=len(T))
    dropout = rng.beta(a, b, size=len(T))
    potential = rng.poisson(rate * T)
    # The customer drops out right after repeat purchase number G ~ Geometric(p).
    last_repeat = rng.geometric(np.clip(dropout, 1e-12, 1.0))
    x = np.minimum(potential, last_repeat)
    return SimulatedCustomers(
        x.astype(np.float64), _recency_of_last(rng, count=x, of=potential, span=T), T
    )


def simulate_pnbd(
    params: ParetoNBDParams, *, age: npt.ArrayLike, rng: np.random.Generator
) -> SimulatedCustomers:
    """Pareto/NBD customers observed for ``age`` periods after their first purchase."""
    r, alpha, s, beta = astuple(params)
    T = np.asarray(age, dtype=np.float64)
    rate = rng.gamma(r, 1.0 / alpha, size=len(T))
    death_rate = rng.gamma(s, 1.0 / beta, size=len(T))
    active = np.minimum(rng.exponential(1.0 / np.maximum(death_rate, 1e-300)), T)
    x = rng.poisson(rate * active)
    return SimulatedCustomers(
        x.astype(np.float64), _recency_of_last(rng, count=x, of=x, span=active), T
    )


def simulate_mean_spend(
    params: GammaGammaParams, *, frequency: npt.ArrayLike, rng: np.random.Generator
) -> FloatArray:
    """Mean of x repeat spends per customer (0 when x = 0) under the Gamma-Gamma model."""
    p, q, gamma = astuple(params)
    x = np.asarray(frequency, dtype=np.float64)
    scale_rate = rng.gamma(q, 1.0 / gamma, size=len(x))
    zbar = np.zeros(len(x))
    buyers = x > 0
    zbar[buyers] = rng.gamma(p * x[buyers], 1.0 / (x[buyers] * scale_rate[buyers]))
    return zbar


def simulate_transaction_log(
    params: BGNBDParams,
    spend_params: GammaGammaParams,
    *,
    n_customers: int,
    cohort_days: int,
    observation_days: int,
    unit_days: int = 7,
    rng: np.random.Generator,
) -> TransactionLog:
    """A BG/NBD purchase log: customers join uniformly over ``cohort_days``; log ends at
    ``observation_days``. Rates are per ``unit_days``. Days count from 0, ids from 1.
    """
    first_day = rng.integers(0, cohort_days, size=n_customers)
    age_days = observation_days - first_day
    customers = simulate_bgnbd(params, age=age_days / unit_days, rng=rng)
    x = customers.frequency.astype(np.int64)
    # Given the last repeat at t_x, the earlier x − 1 repeats are uniform on (0, t_x).
    earlier_owner = np.repeat(np.arange(n_customers), np.maximum(x - 1, 0))
    earlier_time = rng.uniform(0.0, 1.0, size=len(earlier_owner)) * customers.recency[earlier_owner]
    buyers = np.flatnonzero(x > 0)
    owner = np.concatenate([np.arange(n_customers), buyers, earlier_owner])
    time = np.concatenate([np.zeros(n_customers), customers.recency[buyers], earlier_time])
    days = first_day[owner] + np.floor(time * unit_days).astype(np.int64)
    days = np.minimum(days, observation_days)
    p, q, gamma = astuple(spend_params)
    spend_rate = rng.gamma(q, 1.0 / gamma, size=n_customers)
    amounts = np.round(rng.gamma(p, 1.0 / spend_rate[owner]), 2)
    shuffle = rng.permutation(len(owner))  # real logs are not grouped by customer
    return TransactionLog.from_arrays(
        customer_ids=owner[shuffle] + 1, dates=days[shuffle], amounts=amounts[shuffle]
    )
