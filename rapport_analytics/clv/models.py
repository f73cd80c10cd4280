"""One entry point over the two purchase models, so callers switch by name."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal, get_args

import numpy as np

from rapport_analytics.clv import bgnbd, pnbd
from rapport_analytics.clv._fitting import CompressedCustomers, FitResult, FloatArray, PairIndex
from rapport_analytics.clv.bgnbd import BGNBDParams
from rapport_analytics.clv.pnbd import ParetoNBDParams

PurchaseModelName = Literal["bgnbd", "pnbd"]
PURCHASE_MODELS: tuple[PurchaseModelName, ...] = get_args(PurchaseModelName)
PurchaseParams = BGNBDParams | ParetoNBDParams


def fit_purchase_model(
    name: PurchaseModelName, data: CompressedCustomers
) -> FitResult[PurchaseParams]:
    if name == "bgnbd":
        return bgnbd.fit(data)  # type: ignore[return-value]
    if name == "pnbd":
        return pnbd.fit(data)  # type: ignore[return-value]
    raise ValueError(f"unknown purchase model {name!r}; choose from {PURCHASE_MODELS}")


def model_name(params: PurchaseParams) -> PurchaseModelName:
    return "bgnbd" if isinstance(params, BGNBDParams) else "pnbd"


def params_from_dict(name: str, values: dict[str, float]) -> PurchaseParams:
    if name == "bgnbd":
        return BGNBDParams(**{k: float(values[k]) for k in ("r", "alpha", "a", "b")})
    if name == "pnbd":
        return ParetoNBDParams(**{k: float(values[k]) for k in ("r", "alpha", "s", "beta")})
    raise ValueError(f"unknown purchase model {name!r}; choose from {PURCHASE_MODELS}")


def params_to_dict(params: object) -> dict[str, float]:
    return {key: float(value) for key, value in asdict(params).items()}  # type: ignore[call-overload]


def probability_alive_rows(params: PurchaseParams, data: CompressedCustomers) -> FloatArray:
    if isinstance(params, BGNBDParams):
        return bgnbd.probability_alive_rows(params, data)
    return pnbd.probability_alive_rows(params, data)


def expected_purchases_if_alive(params: PurchaseParams, pairs: PairIndex, t: float) -> FloatArray:
    if isinstance(params, BGNBDParams):
        return bgnbd.expected_purchases_if_alive(params, pairs, t)
    return pnbd.expected_purchases_if_alive(params, pairs, t)


def expected_purchases_rows(
    params: PurchaseParams, data: CompressedCustomers, t: float
) -> FloatArray:
    """E[X(T, T+t) | x, t_x, T] for each compressed row: P(alive) × purchases if alive."""
    if_alive = expected_purchases_if_alive(params, data.by_age, t)
    return probability_alive_rows(params, data) * if_alive[data.by_age.row_pair]


def probability_alive(params: PurchaseParams, data: CompressedCustomers) -> FloatArray:
    """P(alive) per original customer."""
    return data.expand(probability_alive_rows(params, data))


def expected_purchases(
    params: PurchaseParams, data: CompressedCustomers, *, t: float
) -> FloatArray:
    """Conditional expected purchases in the next ``t`` periods, per original customer."""
    return data.expand(expected_purchases_rows(params, data, t))


def expected_purchases_new_customer(params: PurchaseParams, *, t: float) -> float:
    if isinstance(params, BGNBDParams):
        return bgnbd.expected_purchases_new_customer(params, t=t)
    return pnbd.expected_purchases_new_customer(params, t=t)


def discounted_purchases_if_alive(
    params: PurchaseParams, pairs: PairIndex, *, horizon: float, discount_rate: float
) -> FloatArray:
    """Σ_k (E[X(k)] − E[X(k−1)]) / (1+d)^k over periods k ≤ horizon, on (x, T) pairs, if alive.

    Purchases in period k are discounted to today at the per-period rate d.
    """
    if horizon <= 0:
        return np.zeros(len(pairs.x))
    ends = np.append(np.arange(1.0, np.floor(horizon) + 1.0), horizon)
    ends = np.unique(ends)
    total = np.zeros(len(pairs.x))
    previous = np.zeros(len(pairs.x))
    for end in ends:
        cumulative = expected_purchases_if_alive(params, pairs, float(end))
        total += (cumulative - previous) / (1.0 + discount_rate) ** float(np.ceil(end))
        previous = cumulative
    return total
