"""Customer lifetime value models.

Non-contractual (repeat purchases): :func:`rfm_summary` builds the per-customer
summary in the warehouse, :func:`fit_bgnbd` (Fader, Hardie & Lee 2005) models the
purchases and :func:`fit_gamma_gamma` (Fader & Hardie 2013) the spend;
:func:`customer_lifetime_value` combines them into discounted value.

Contractual (subscriptions): :func:`fit_sbg` (shifted-beta-geometric, Fader & Hardie
2007) projects retention; :func:`discounted_expected_residual_lifetime` values the
customers (Fader & Hardie 2010); :func:`simple_ltv` is the labelled
ARPA x margin / churn form.

Every fit returns a frozen result with a ``status`` reason code ("ok",
"too_few_customers", "no_repeat_buyers", "no_churn", "did_not_converge") instead of
raising on data that cannot support the model.
"""

from accord.engines.clv._optimize import FitStatus
from accord.engines.clv.bgnbd import (
    BGNBDFit,
    BGNBDParams,
    conditional_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from accord.engines.clv.gammagamma import (
    GammaGammaFit,
    GammaGammaParams,
    conditional_expected_value,
    fit_gamma_gamma,
)
from accord.engines.clv.lifetime_value import customer_lifetime_value
from accord.engines.clv.sbg import (
    SBGFit,
    SBGParams,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    fit_sbg,
    fit_sbg_cohorts,
    retention_rate,
    survival,
)
from accord.engines.clv.simple import SimpleLTV, simple_ltv
from accord.engines.clv.summary import pool_rfm, rfm_summary

__all__ = [
    "BGNBDFit",
    "BGNBDParams",
    "FitStatus",
    "GammaGammaFit",
    "GammaGammaParams",
    "SBGFit",
    "SBGParams",
    "SimpleLTV",
    "conditional_expected_purchases",
    "conditional_expected_value",
    "customer_lifetime_value",
    "discounted_expected_lifetime",
    "discounted_expected_residual_lifetime",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_sbg",
    "fit_sbg_cohorts",
    "pool_rfm",
    "probability_alive",
    "retention_rate",
    "rfm_summary",
    "simple_ltv",
    "survival",
]
