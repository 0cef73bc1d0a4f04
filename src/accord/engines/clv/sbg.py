"""Shifted-beta-geometric (sBG) model of contract renewals.

At the end of each period a customer churns with probability ``theta``, constant for
that customer; across customers ``theta ~ Beta(alpha, beta)``. Heterogeneity makes the
cohort's retention rate rise with tenure, which a single churn rate cannot capture.
Fitted by maximum likelihood on the customers surviving each period of one or more
cohorts (each cohort counted from its start).

References
----------
.. [FH07] Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention.
   *Journal of Interactive Marketing* 21(1), 76-90: P(T=t), S(t), the retention rate
   and the log-likelihood (eq. B3) in Appendix B; the example cohorts.
.. [FH10] Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a
   contractual setting: the perils of ignoring heterogeneity. *Marketing Science*
   29(1), 85-93: discounted expected lifetime (DEL) and residual lifetime (DERL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln, hyp2f1

from accord.engines.clv._optimize import FitStatus, FloatArray, maximise_log_likelihood
from accord.errors import InputError

__all__ = [
    "SBGFit",
    "SBGParams",
    "discounted_expected_lifetime",
    "discounted_expected_residual_lifetime",
    "fit_sbg",
    "fit_sbg_cohorts",
    "retention_rate",
    "survival",
]


@dataclass(frozen=True, slots=True)
class SBGParams:
    """sBG parameters: churn probability ``theta ~ Beta(alpha, beta)``."""

    alpha: float
    beta: float

    def as_array(self) -> FloatArray:
        """``[alpha, beta]`` as a float array."""
        return np.array([self.alpha, self.beta], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class SBGFit:
    """Result of :func:`fit_sbg` / :func:`fit_sbg_cohorts`.

    Attributes
    ----------
    status
        ``"ok"``, ``"too_few_customers"``, ``"no_churn"`` (nobody left: churn is not
        identified) or ``"did_not_converge"``.
    params
        Maximum-likelihood estimates (``None`` when nothing was fitted).
    standard_errors
        Asymptotic standard errors.
    log_likelihood
        Maximised log-likelihood.
    n_customers
        Customers at the start of all cohorts together.
    n_cohorts
        Cohorts fitted jointly.
    iterations
        Optimiser iterations.
    """

    status: FitStatus
    params: SBGParams | None
    standard_errors: SBGParams | None
    log_likelihood: float
    n_customers: int
    n_cohorts: int
    iterations: int = 0

    @property
    def converged(self) -> bool:
        """True when the estimates can be used (``status == "ok"``)."""
        return self.status == "ok"


def _log_likelihood_and_gradient(
    theta: FloatArray, t: FloatArray, churned: FloatArray, survived: FloatArray
) -> tuple[float, FloatArray]:
    """Log-likelihood [FH07]_ eq. (B3) and its gradient wrt ``log(alpha, beta)``.

    Each row ``t`` has ``churned`` customers lost in period ``t`` (``ln P(T=t)``) and
    ``survived`` customers still active after period ``t`` (``ln S(t)``), with
    ``ln P(T=t) = ln alpha + lnG(beta+t-1) - lnG(beta) + lnG(alpha+beta) - lnG(alpha+beta+t)``
    and ``ln S(t) = lnG(beta+t) - lnG(beta) + lnG(alpha+beta) - lnG(alpha+beta+t)``.
    """
    alpha, beta = np.exp(theta)
    common = gammaln(alpha + beta) - gammaln(alpha + beta + t) - gammaln(beta)
    log_p = np.log(alpha) + gammaln(beta + t - 1) + common
    log_s = gammaln(beta + t) + common
    value = float(np.dot(churned, log_p) + np.dot(survived, log_s))
    d_common = digamma(alpha + beta) - digamma(alpha + beta + t)
    psi_b = digamma(beta)
    d_alpha = np.dot(churned, 1 / alpha + d_common) + np.dot(survived, d_common)
    d_beta = np.dot(churned, digamma(beta + t - 1) - psi_b + d_common) + np.dot(
        survived, digamma(beta + t) - psi_b + d_common
    )
    return value, np.array([d_alpha * alpha, d_beta * beta])


def fit_sbg(survivors: npt.ArrayLike, *, min_customers: int = 10) -> SBGFit:
    """Fit sBG on one cohort: customers active at the start and after each period.

    Parameters
    ----------
    survivors
        ``n_0, n_1, ..., n_k``: customers at acquisition and still active after each of
        ``k`` renewal periods (non-increasing).
    min_customers
        Fewer customers than this gives ``status="too_few_customers"``.

    Returns
    -------
    SBGFit
        Estimates with a reason code.

    Examples
    --------
    Fader & Hardie (2007), "regular" customers:

    >>> fit = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(fit.params.alpha, 3), round(fit.params.beta, 3), round(fit.log_likelihood, 2)
    (0.704, 1.182, -1680.27)
    """
    return fit_sbg_cohorts([survivors], min_customers=min_customers)


def fit_sbg_cohorts(cohorts: Sequence[npt.ArrayLike], *, min_customers: int = 10) -> SBGFit:
    """Fit one sBG model jointly on several cohorts of different ages.

    Each cohort is a survivor sequence counted from its own acquisition period
    (e.g. the 2021 cohort has 4 renewals observed, the 2023 cohort 2). Cohorts are
    assumed to share ``alpha, beta``; their log-likelihoods add up.

    Parameters
    ----------
    cohorts
        One non-increasing sequence ``n_0, ..., n_k`` per cohort.
    min_customers
        Fewer customers (all cohorts together) gives ``status="too_few_customers"``.

    Returns
    -------
    SBGFit
        Joint estimates with a reason code.

    Examples
    --------
    >>> fit = fit_sbg_cohorts([[1000, 631, 468, 382], [800, 510, 380], [900, 560]])
    >>> fit.status, fit.n_cohorts, fit.n_customers
    ('ok', 3, 2700)
    """
    rows: list[tuple[float, float, float]] = []  # (t, churned in t, survived t and stop)
    n_customers = 0
    for cohort in cohorts:
        n = np.asarray(cohort, dtype=np.float64)
        if n.ndim != 1 or len(n) < 2 or np.any(n < 0) or np.any(np.diff(n) > 0):
            raise InputError(
                "Each cohort must list at least two non-increasing, non-negative counts.",
                hint="Give customers at the start, then still active after each period.",
            )
        n_customers += round(float(n[0]))
        k = len(n) - 1
        rows += [(t, n[t - 1] - n[t], 0.0) for t in range(1, k + 1)]
        rows.append((float(k), 0.0, n[k]))
    t, churned, survived = (np.array(col) for col in zip(*rows, strict=True))
    if n_customers < max(min_customers, 1):
        return SBGFit("too_few_customers", None, None, np.nan, n_customers, len(cohorts))
    if churned.sum() == 0:
        return SBGFit("no_churn", None, None, np.nan, n_customers, len(cohorts))
    mle = maximise_log_likelihood(
        lambda theta: _log_likelihood_and_gradient(theta, t, churned, survived),
        [1.0, 1.0],
        total_weight=float(n_customers),
    )
    return SBGFit(
        status="ok" if mle.converged else "did_not_converge",
        params=SBGParams(*(float(v) for v in mle.params)),
        standard_errors=SBGParams(*(float(v) for v in mle.standard_errors)),
        log_likelihood=mle.log_likelihood,
        n_customers=n_customers,
        n_cohorts=len(cohorts),
        iterations=mle.iterations,
    )


def survival(params: SBGParams, t: npt.ArrayLike) -> FloatArray:
    """Share of a cohort still active after ``t`` periods, [FH07]_ Appendix B.

    ``S(t) = B(alpha, beta + t) / B(alpha, beta)``.

    Examples
    --------
    >>> survival(SBGParams(alpha=0.704, beta=1.182), [0, 1, 7, 12]).round(3)
    array([1.   , 0.627, 0.239, 0.17 ])
    """
    t = np.asarray(t, dtype=np.float64)
    a, b = params.alpha, params.beta
    log_s = gammaln(b + t) - gammaln(b) + gammaln(a + b) - gammaln(a + b + t)
    return np.asarray(np.exp(log_s), dtype=np.float64)


def retention_rate(params: SBGParams, t: npt.ArrayLike) -> FloatArray:
    """Share of those active after period ``t-1`` who renew at ``t`` (t >= 1), [FH07]_.

    ``r_t = (beta + t - 1) / (alpha + beta + t - 1)``: rises with tenure.

    Examples
    --------
    >>> retention_rate(SBGParams(alpha=0.704, beta=1.182), [1, 2, 7]).round(3)
    array([0.627, 0.756, 0.911])
    """
    t = np.asarray(t, dtype=np.float64)
    return np.asarray(
        (params.beta + t - 1) / (params.alpha + params.beta + t - 1), dtype=np.float64
    )


def discounted_expected_lifetime(params: SBGParams, discount_rate: float) -> float:
    """Discounted expected lifetime of a just-acquired customer, [FH10]_.

    ``DEL = sum_{t>=0} S(t) / (1+d)^t = 2F1(1, beta; alpha+beta; 1/(1+d))``: the number of
    discounted payments (the first one, at acquisition, counted in full). Multiply by
    the net cash flow per period for the expected lifetime value.

    Examples
    --------
    >>> round(discounted_expected_lifetime(SBGParams(alpha=0.704, beta=1.182), 0.10), 3)
    3.695
    """
    if discount_rate <= 0:
        raise ValueError("discount_rate must be positive (the undiscounted sum diverges)")
    z = 1.0 / (1.0 + discount_rate)
    return float(hyp2f1(1.0, params.beta, params.alpha + params.beta, z))


def discounted_expected_residual_lifetime(
    params: SBGParams, discount_rate: float, *, renewals: int | npt.ArrayLike
) -> FloatArray:
    """Discounted expected residual lifetime after ``renewals`` renewals, [FH10]_.

    Evaluated just before the next renewal decision (end of period ``n = renewals + 1``),
    with the payment at that renewal undiscounted:
    ``DERL = (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d))``
    ``= sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n)``.

    Examples
    --------
    >>> p = SBGParams(alpha=0.704, beta=1.182)
    >>> discounted_expected_residual_lifetime(p, 0.10, renewals=[0, 4]).round(3)
    array([2.965, 5.894])
    """
    if discount_rate <= 0:
        raise ValueError("discount_rate must be positive (the undiscounted sum diverges)")
    n = np.asarray(renewals, dtype=np.float64) + 1
    a, b = params.alpha, params.beta
    z = 1.0 / (1.0 + discount_rate)
    return np.asarray(
        (b + n - 1) / (a + b + n - 1) * hyp2f1(1.0, b + n, a + b + n, z), dtype=np.float64
    )
