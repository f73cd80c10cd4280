"""Customer segmentation: RFM, value concentration (Pareto, Lorenz, Gini), tiers, strategic flags."""

from rapport_analytics.segmentation.concentration import (
    LorenzCurve,
    ParetoPoint,
    customer_share_for_value_share,
    gini,
    lorenz_curve,
    pareto_curve,
)
from rapport_analytics.segmentation.rfm import RFMScores, quantile_scores, rfm_scores
from rapport_analytics.segmentation.strategic import (
    Significance,
    StrategicCustomer,
    StrategicFlag,
    strategic_customers,
)
from rapport_analytics.segmentation.tiers import Tiers, assign_tiers

__all__ = [
    "LorenzCurve",
    "ParetoPoint",
    "RFMScores",
    "Significance",
    "StrategicCustomer",
    "StrategicFlag",
    "Tiers",
    "assign_tiers",
    "customer_share_for_value_share",
    "gini",
    "lorenz_curve",
    "pareto_curve",
    "quantile_scores",
    "rfm_scores",
    "strategic_customers",
]
