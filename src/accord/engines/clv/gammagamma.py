"""Gamma-Gamma model of the value of a customer's transactions.

Each transaction value is ``Gamma(p, nu)``; across customers ``nu ~ Gamma(q, gamma)``.
Only the number of repeat transactions ``x`` and their mean value ``m`` enter the
likelihood, and spend is assumed independent of the transaction process (check with
:attr:`GammaGammaFit.frequency_value_correlation`).

References
----------
.. [FH13] Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary
   value. http://brucehardie.com/notes/025/ (likelihood of the mean spend; conditional
   expectation eq. (5); CDNOW estimates).
.. [FHL05b] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using
   iso-value curves for customer base analysis. *Journal of Marketing Research* 42(4),
   415-430 (the spend sub-model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

from accord.engines.clv._optimize import (
    FitStatus,
    FloatArray,
    compress_rows,
    maximise_log_likelihood,
    row_weights,
)
from accord.errors import InputError

__all__ = [
    "GammaGammaFit",
    "GammaGammaParams",
    "conditional_expected_value",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
]


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: shape ``p`` of spend, ``Gamma(q, gamma)`` of its scale."""

    p: float
    q: float
    gamma: float

    def as_array(self) -> FloatArray:
        """``[p, q, gamma]`` as a float array."""
        return np.array([self.p, self.q, self.gamma], dtype=np.float64)

    @property
    def mean_value(self) -> float:
        """Population mean transaction value ``p gamma / (q - 1)`` (``inf`` if ``q <= 1``)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


@dataclass(frozen=True, slots=True)
class GammaGammaFit:
    """Result of :func:`fit_gamma_gamma`.

    Attributes
    ----------
    status
        ``"ok"``, ``"too_few_customers"``, ``"no_repeat_buyers"`` or ``"did_not_converge"``.
    params
        Maximum-likelihood estimates (``None`` when nothing was fitted).
    standard_errors
        Asymptotic standard errors of the estimates.
    log_likelihood
        Maximised log-likelihood over the repeat buyers.
    n_customers
        Repeat buyers (``x > 0``) the model was fitted on.
    frequency_value_correlation
        Pearson correlation of ``x`` and ``m`` among them; the model assumes it is near 0.
    iterations
        Optimiser iterations.
    """

    status: FitStatus
    params: GammaGammaParams | None
    standard_errors: GammaGammaParams | None
    log_likelihood: float
    n_customers: int
    frequency_value_correlation: float
    iterations: int = 0

    @property
    def converged(self) -> bool:
        """True when the estimates can be used (``status == "ok"``)."""
        return self.status == "ok"


def _log_likelihood_and_gradient(
    theta: FloatArray, x: FloatArray, m: FloatArray, w: FloatArray
) -> tuple[float, FloatArray]:
    """Log-likelihood [FH13]_ and its gradient wrt ``log(p, q, gamma)``.

    ``ln L = lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m + px ln x
    - (px+q) ln(gamma + x m)``.
    """
    p, q, gamma = np.exp(theta)
    px = p * x
    log_total = np.log(gamma + x * m)
    log_m, log_x = np.log(m), np.log(x)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * log_m
        + px * log_x
        - (px + q) * log_total
    )
    psi_total = digamma(px + q)
    d_p = x * (psi_total - digamma(px) + log_m + log_x - log_total)
    d_q = psi_total - digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    grad = np.array([np.dot(w, d) for d in (d_p, d_q, d_gamma)]) * np.array([p, q, gamma])
    return float(np.dot(w, ll)), grad


def _repeat_buyers(
    frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    x = np.atleast_1d(np.asarray(frequency, dtype=np.float64))
    m = np.atleast_1d(np.asarray(monetary_value, dtype=np.float64))
    if x.shape != m.shape:
        raise InputError("frequency and monetary_value must have the same length.")
    if np.any(~np.isfinite(m)) or np.any(m[x > 0] <= 0):
        raise InputError(
            "Repeat buyers need a positive, finite mean transaction value.",
            hint="Drop refunds and zero-value transactions before summarising.",
        )
    return x, m, x > 0


def gamma_gamma_log_likelihood(
    params: GammaGammaParams,
    *,
    frequency: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
) -> float:
    """Total Gamma-Gamma log-likelihood of the repeat buyers, [FH13]_.

    Customers with ``frequency == 0`` carry no information and are skipped.

    Examples
    --------
    >>> p = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    >>> round(gamma_gamma_log_likelihood(p, frequency=[2, 0], monetary_value=[22.35, 0.0]), 4)
    -3.5513
    """
    x, m, repeat = _repeat_buyers(frequency, monetary_value)
    w = row_weights(weights, len(x))
    theta = np.log(params.as_array())
    return _log_likelihood_and_gradient(theta, x[repeat], m[repeat], w[repeat])[0]


def fit_gamma_gamma(
    *,
    frequency: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    min_customers: int = 10,
) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model by maximum likelihood on the repeat buyers.

    Parameters
    ----------
    frequency
        Repeat transactions ``x`` per customer (customers with 0 are ignored).
    monetary_value
        Mean value ``m`` of those repeat transactions (see ``rfm_summary``).
    weights
        Customers each row stands for (default 1).
    min_customers
        Fewer repeat buyers than this gives ``status="too_few_customers"``.

    Returns
    -------
    GammaGammaFit
        Estimates with a reason code.

    Examples
    --------
    >>> fit = fit_gamma_gamma(frequency=[0, 1, 2], monetary_value=[0.0, 10.0, 12.0])
    >>> fit.status, fit.n_customers
    ('too_few_customers', 2)
    """
    x, m, repeat = _repeat_buyers(frequency, monetary_value)
    w = row_weights(weights, len(x))
    x, m, w = x[repeat], m[repeat], w[repeat]
    n = round(float(w.sum()))
    if n == 0:
        return GammaGammaFit("no_repeat_buyers", None, None, np.nan, 0, np.nan)
    if n < max(min_customers, 2):
        return GammaGammaFit("too_few_customers", None, None, np.nan, n, np.nan)
    correlation = _weighted_correlation(x, m, w)
    (x, m), w = compress_rows(x, m, weights=w)
    mean, var = np.average(m, weights=w), np.average((m - np.average(m, weights=w)) ** 2, weights=w)
    p0 = max(mean**2 / var, 0.1) if var > 0 else 1.0  # method-of-moments-like start
    mle = maximise_log_likelihood(
        lambda theta: _log_likelihood_and_gradient(theta, x, m, w),
        [p0, 2.0, mean],
        total_weight=float(w.sum()),
    )
    return GammaGammaFit(
        status="ok" if mle.converged else "did_not_converge",
        params=GammaGammaParams(*(float(v) for v in mle.params)),
        standard_errors=GammaGammaParams(*(float(v) for v in mle.standard_errors)),
        log_likelihood=mle.log_likelihood,
        n_customers=n,
        frequency_value_correlation=correlation,
        iterations=mle.iterations,
    )


def _weighted_correlation(x: FloatArray, m: FloatArray, w: FloatArray) -> float:
    dx, dm = x - np.average(x, weights=w), m - np.average(m, weights=w)
    denominator = np.sqrt(np.dot(w, dx**2) * np.dot(w, dm**2))
    return float(np.dot(w, dx * dm) / denominator) if denominator > 0 else float("nan")


def conditional_expected_value(
    params: GammaGammaParams, *, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> FloatArray:
    """Expected mean transaction value given ``x`` and ``m``, [FH13]_ eq. (5).

    ``E[M | p, q, gamma; m, x] = (gamma + m x) p / (p x + q - 1)``, a weighted mean of
    the population mean ``p gamma / (q - 1)`` and the customer's observed mean ``m``;
    with ``x = 0`` it is the population mean. Requires ``q > 1``.

    Examples
    --------
    >>> p = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    >>> conditional_expected_value(p, frequency=[0, 2], monetary_value=[0.0, 22.35]).round(2)
    array([35.22, 24.66])
    """
    x = np.atleast_1d(np.asarray(frequency, dtype=np.float64))
    m = np.where(x > 0, np.asarray(monetary_value, dtype=np.float64), 0.0)
    return np.asarray(
        (params.gamma + m * x) * params.p / (params.p * x + params.q - 1), dtype=np.float64
    )
