"""Found by the app's recompute on a small workspace: BG/NBD with a + b < 1."""

from __future__ import annotations

import numpy as np

from rapport_analytics.clv import BGNBDParams
from rapport_analytics.clv._fitting import PairIndex
from rapport_analytics.clv.bgnbd import expected_purchases_if_alive


def test_expected_purchases_stay_finite_when_the_hypergeometric_term_is_negative() -> None:
    # Given fitted parameters with a + b < 1 (a small, mostly one-off customer base)
    params = BGNBDParams(r=0.4696, alpha=4.7239, a=0.23768, b=0.55457)
    pairs = PairIndex(np.array([0.0, 0.0]), np.array([10.0, 50.0]), np.array([0, 1]))
    # When purchases over the next 26 weeks are predicted for never-repeating customers
    expected = expected_purchases_if_alive(params, pairs, 26.0)
    # Then they are finite and match a Monte Carlo check of the model (0.6587, 0.2051)
    assert np.allclose(expected, [0.6572, 0.2045], atol=2e-3)
