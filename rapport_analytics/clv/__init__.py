"""Customer lifetime value: BTYD purchase models (BG/NBD, Pareto/NBD), Gamma-Gamma spend, CLV.

Typical use::

    log = TransactionLog.from_arrays(customer_ids=ids, dates=dates, amounts=amounts)
    summary = summarize_transactions(log, calibration_end="1997-09-30", unit=TimeUnit.WEEK)
    data = compress_customers(frequency=summary.frequency, recency=summary.recency, age=summary.age)
    purchases = fit_purchase_model("bgnbd", data)
    spend = gamma_gamma.fit(frequency=summary.frequency, monetary_value=summary.monetary_value)
    predictions = predict_customers(summary=summary, purchase_params=purchases.params,
                                    spend_params=spend.params, horizon=52, compressed=data)
"""

from rapport_analytics.clv import bgnbd, gamma_gamma, pnbd
from rapport_analytics.clv._fitting import CompressedCustomers, FitResult, compress_customers
from rapport_analytics.clv.bgnbd import BGNBDParams
from rapport_analytics.clv.evaluation import HoldoutScore, ModelComparison, compare_models
from rapport_analytics.clv.gamma_gamma import GammaGammaParams
from rapport_analytics.clv.models import (
    PURCHASE_MODELS,
    PurchaseModelName,
    PurchaseParams,
    expected_purchases,
    expected_purchases_new_customer,
    fit_purchase_model,
    probability_alive,
)
from rapport_analytics.clv.pnbd import ParetoNBDParams
from rapport_analytics.clv.summary import (
    CalibrationHoldout,
    CustomerSummary,
    TimeUnit,
    TransactionLog,
    split_calibration_holdout,
    summarize_transactions,
)
from rapport_analytics.clv.value import (
    CustomerPredictions,
    per_period_discount_rate,
    predict_customers,
)

__all__ = [
    "PURCHASE_MODELS",
    "BGNBDParams",
    "CalibrationHoldout",
    "CompressedCustomers",
    "CustomerPredictions",
    "CustomerSummary",
    "FitResult",
    "GammaGammaParams",
    "HoldoutScore",
    "ModelComparison",
    "ParetoNBDParams",
    "PurchaseModelName",
    "PurchaseParams",
    "TimeUnit",
    "TransactionLog",
    "bgnbd",
    "compare_models",
    "compress_customers",
    "expected_purchases",
    "expected_purchases_new_customer",
    "fit_purchase_model",
    "gamma_gamma",
    "per_period_discount_rate",
    "pnbd",
    "predict_customers",
    "probability_alive",
    "split_calibration_holdout",
    "summarize_transactions",
]
