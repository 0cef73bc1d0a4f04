"""BG/NBD: beta-geometric / negative binomial model of repeat purchasing.

While alive, a customer buys as a Poisson process with rate ``λ ~ Gamma(r, alpha)``; after
each purchase the customer drops out with probability ``p ~ Beta(a, b)``. Fitted by
maximum likelihood on the sufficient statistics of each customer: ``x`` repeat
purchases (frequency), time of the last purchase ``t_x`` (recency) and time observed
``T``, all measured from the first purchase (see :func:`~accord.engines.clv.rfm_summary`).

References
----------
.. [FHL05] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers"
   the easy way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2),
   275-284: likelihood eq. (6), E[X(t)] eq. (7), conditional expectation eq. (10).
.. [FHL08] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2008). Computing P(alive) using
   the BG/NBD model. http://brucehardie.com/notes/021/
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, expit, gammaln

from accord.engines.clv._expected import alive_expected_purchases
from accord.engines.clv._optimize import (
    FitStatus,
    FloatArray,
    compress_rows,
    maximise_log_likelihood,
    row_weights,
)
from accord.errors import InputError

__all__ = [
    "BGNBDFit",
    "BGNBDParams",
    "bgnbd_log_likelihood",
    "conditional_expected_purchases",
    "expected_purchases",
    "fit_bgnbd",
    "probability_alive",
]


@dataclass(frozen=True, slots=True)
class BGNBDParams:
    """BG/NBD parameters: purchase rate ``Gamma(r, alpha)``, dropout ``Beta(a, b)``.

    ``alpha`` is in the time unit of the data it was fitted on (weeks by default).
    """

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> FloatArray:
        """``[r, alpha, a, b]`` as a float array."""
        return np.array([self.r, self.alpha, self.a, self.b], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class BGNBDFit:
    """Result of :func:`fit_bgnbd`.

    Attributes
    ----------
    status
        ``"ok"``, or the reason the estimates are missing or should not be used:
        ``"too_few_customers"``, ``"no_repeat_buyers"`` (the dropout process is not
        identified), ``"did_not_converge"`` (``params`` holds the last iterate).
    params
        Maximum-likelihood estimates; ``None`` when nothing could be fitted.
    standard_errors
        Asymptotic standard errors of the estimates (observed information).
    log_likelihood
        Maximised log-likelihood (``nan`` when nothing was fitted).
    n_customers
        Customers in the fit (sum of weights).
    n_repeat_buyers
        Customers with at least one repeat purchase.
    n_distinct_rows
        Distinct ``(x, t_x, T)`` rows the likelihood was evaluated on.
    iterations
        Optimiser iterations.
    """

    status: FitStatus
    params: BGNBDParams | None
    standard_errors: BGNBDParams | None
    log_likelihood: float
    n_customers: int
    n_repeat_buyers: int
    n_distinct_rows: int
    iterations: int = 0

    @property
    def converged(self) -> bool:
        """True when the estimates can be used (``status == "ok"``)."""
        return self.status == "ok"


def _as_arrays(*values: npt.ArrayLike) -> list[FloatArray]:
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values]
    return list(np.broadcast_arrays(*arrays))


def _check_rfm(x: FloatArray, t_x: FloatArray, T: FloatArray) -> None:
    problems = []
    if np.any(x < 0) or np.any(x != np.floor(x)):
        problems.append("frequency must be a non-negative whole number")
    if np.any(t_x < 0) or np.any(t_x > T + 1e-9):
        problems.append("recency must lie between 0 and T")
    if np.any((x == 0) & (t_x != 0)):
        problems.append("recency must be 0 when frequency is 0")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(T))):
        problems.append("values must be finite")
    if problems:
        raise InputError(
            "Invalid RFM summary: " + "; ".join(problems) + ".",
            hint="Build it with accord.engines.clv.rfm_summary.",
        )


def bgnbd_log_likelihood(
    params: BGNBDParams,
    *,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
) -> float:
    """Total BG/NBD log-likelihood, [FHL05]_ eq. (6).

    Examples
    --------
    >>> p = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> round(bgnbd_log_likelihood(p, frequency=[2], recency=[30.43], T=[38.86]), 4)
    -9.4586
    """
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    w = row_weights(weights, len(x))
    value, _ = _Likelihood(x, t_x, big_t, w)(np.log(params.as_array()))
    return value


class _Likelihood:
    """BG/NBD log-likelihood [FHL05]_ eq. (6) and its gradient wrt ``log(r, alpha, a, b)``.

    ``LL = A1 + A2 + A3 + log(1 + d(x>0) exp(D))`` with
    ``A1 = lnG(r+x) - lnG(r) + r ln alpha``, ``A2 = ln B(a, b+x) - ln B(a, b)``,
    ``A3 = -(r+x) ln(alpha+T)`` and
    ``D = ln a - ln(b+x-1) + (r+x) (ln(alpha+T) - ln(alpha+t_x))``
    (using ``B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1)``).

    ``A1``, ``A2`` and their derivatives depend on the data only through the integer
    ``x``: their weighted sums are taken over the distinct values of ``x`` (exact), so
    the special functions are not evaluated once per row. The terms in ``T`` and ``t_x``
    are evaluated row by row, the ``D`` term only for repeat buyers (it vanishes at x=0).
    """

    def __init__(self, x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> None:
        self.total_weight = float(w.sum())
        self.x_values, inverse = np.unique(x, return_inverse=True)
        inverse = inverse.ravel()
        self.x_weights = np.bincount(inverse, weights=w, minlength=len(self.x_values))
        once = x == 0
        self.once_T, self.once_w = T[once], w[once]
        rep = ~once
        self.rep_x, self.rep_tx, self.rep_T, self.rep_w = x[rep], t_x[rep], T[rep], w[rep]
        self.rep_index = inverse[rep]  # row -> position of its x in x_values

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = np.exp(theta)
        # Terms in x only, summed over distinct x with their total weights.
        ux, uw = self.x_values, self.x_weights
        a12 = gammaln(r + ux) + gammaln(b + ux) - gammaln(a + b + ux)
        a12_const = -gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + ux)
        value = float(np.dot(uw, a12)) + a12_const * self.total_weight
        d_r = float(np.dot(uw, digamma(r + ux))) + (np.log(alpha) - digamma(r)) * self.total_weight
        d_alpha = r / alpha * self.total_weight
        d_a = float(np.dot(uw, -psi_abx)) + psi_ab * self.total_weight
        d_b = (
            float(np.dot(uw, digamma(b + ux) - psi_abx)) + (psi_ab - digamma(b)) * self.total_weight
        )
        # One-time buyers (x = 0): only A3 = -r ln(alpha + T).
        log_at0 = np.log(alpha + self.once_T)
        value -= r * float(np.dot(self.once_w, log_at0))
        d_r -= float(np.dot(self.once_w, log_at0))
        d_alpha -= r * float(np.dot(self.once_w, 1.0 / (alpha + self.once_T)))
        # Repeat buyers: A3 + log(1 + exp(D)).
        w, rx = self.rep_w, r + self.rep_x
        log_at = np.log(alpha + self.rep_T)
        log_atx = np.log(alpha + self.rep_tx)
        log_bx1 = np.log(b + ux - 1, where=ux > 0, out=np.zeros_like(ux))[self.rep_index]
        d = np.log(a) - log_bx1 + rx * (log_at - log_atx)
        share = expit(d)  # weight of the "dropped out after t_x" term
        value += float(np.dot(w, np.logaddexp(0.0, d) - rx * log_at))
        d_r -= float(np.dot(w, log_at - share * (log_at - log_atx)))
        d_alpha -= float(
            np.dot(w, rx * ((1 - share) / (alpha + self.rep_T) + share / (alpha + self.rep_tx)))
        )
        d_a += float(np.dot(w, share)) / a
        d_b -= float(np.dot(w, share * np.exp(-log_bx1)))
        return float(value), np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def fit_bgnbd(
    *,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    compress: bool = True,
    min_customers: int = 10,
    start: BGNBDParams | None = None,
) -> BGNBDFit:
    """Fit BG/NBD by maximum likelihood, [FHL05]_ section 3.

    Parameters
    ----------
    frequency, recency, T
        Per-customer (or per-row, with ``weights``) repeat purchases ``x``, time of the
        last purchase ``t_x`` and time observed ``T``, in one time unit.
    weights
        Number of customers each row stands for (default 1).
    compress
        Pool identical ``(x, t_x, T)`` rows before fitting (exact; fewer rows to evaluate).
    min_customers
        Fewer customers than this gives ``status="too_few_customers"``.
    start
        Starting values (default ``r=1, alpha=max(T)/10, a=1, b=1``).

    Returns
    -------
    BGNBDFit
        Estimates with a reason code; expected shortfalls are results, not exceptions.

    Examples
    --------
    A likelihood without an interior maximum is a result, not an exception. Here it keeps
    rising as ``a, b -> 0`` (every customer either never or always drops out):

    >>> x, t_x, T = [0, 2, 1, 0, 5] * 4, [0, 30, 2, 0, 35] * 4, [39, 39, 38, 37, 39] * 4
    >>> fit = fit_bgnbd(frequency=x, recency=t_x, T=T)
    >>> fit.status, fit.n_customers, fit.n_distinct_rows
    ('did_not_converge', 20, 5)
    """
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    _check_rfm(x, t_x, big_t)
    w = row_weights(weights, len(x))
    n_customers = round(float(w.sum()))
    n_repeat = round(float(w[x > 0].sum()))
    if compress:
        (x, t_x, big_t), w = compress_rows(x, t_x, big_t, weights=w)
    if n_customers < max(min_customers, 1):
        return BGNBDFit("too_few_customers", None, None, np.nan, n_customers, n_repeat, len(x))
    if n_repeat == 0:
        return BGNBDFit("no_repeat_buyers", None, None, np.nan, n_customers, n_repeat, len(x))
    initial = start or BGNBDParams(r=1.0, alpha=max(float(big_t.max()) / 10, 1e-3), a=1.0, b=1.0)
    mle = maximise_log_likelihood(
        _Likelihood(x, t_x, big_t, w),
        initial.as_array(),
        total_weight=float(w.sum()),
    )
    return BGNBDFit(
        status="ok" if mle.converged else "did_not_converge",
        params=BGNBDParams(*(float(v) for v in mle.params)),
        standard_errors=BGNBDParams(*(float(v) for v in mle.standard_errors)),
        log_likelihood=mle.log_likelihood,
        n_customers=n_customers,
        n_repeat_buyers=n_repeat,
        n_distinct_rows=len(x),
        iterations=mle.iterations,
    )


def _log_odds_dead(
    params: BGNBDParams, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    """``ln[a/(b+x-1) · ((alpha+T)/(alpha+t_x))^(r+x)]`` for ``x>0``, ``-∞`` for ``x=0``."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x1 = np.where(x > 0, x, 1.0)
    log_odds = np.log(a) - np.log(b + x1 - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(x > 0, log_odds, -np.inf)


def probability_alive(
    params: BGNBDParams, *, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
) -> FloatArray:
    """P(customer still alive at ``T`` | x, t_x, T), [FHL08]_.

    ``P(alive) = 1 / (1 + δ(x>0) · a/(b+x-1) · ((alpha+T)/(alpha+t_x))^(r+x))``.

    Examples
    --------
    >>> p = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> probability_alive(p, frequency=[0, 2], recency=[0, 30.43], T=[38.86, 38.86]).round(3)
    array([1.   , 0.727])
    """
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    return np.asarray(expit(-_log_odds_dead(params, x, t_x, big_t)), dtype=np.float64)


def conditional_expected_purchases(
    params: BGNBDParams,
    t: float | npt.ArrayLike,
    *,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
) -> FloatArray:
    """Expected purchases in ``(T, T+t]`` given ``x, t_x, T``, [FHL05]_ eq. (10).

    ``E[Y(t)|x,t_x,T] = (a+b+x-1)/(a-1) · [1 - ((alpha+T)/(alpha+T+t))^(r+x)
    ₂F₁(r+x, b+x; a+b+x-1; t/(alpha+T+t))] / (1 + δ(x>0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))``.

    Examples
    --------
    >>> p = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> conditional_expected_purchases(p, 39, frequency=2, recency=30.43, T=38.86).round(3)
    array([1.226])
    """
    x, t_x, big_t, horizon = _as_arrays(frequency, recency, T, t)
    numerator = alive_expected_purchases(
        params.r, params.a, params.b, x, params.alpha + big_t, horizon
    )
    result = numerator * expit(-_log_odds_dead(params, x, t_x, big_t))
    return np.asarray(result, dtype=np.float64)


def expected_purchases(params: BGNBDParams, t: float | npt.ArrayLike) -> FloatArray:
    """Expected purchases in ``(0, t]`` of a randomly chosen new customer, [FHL05]_ eq. (7).

    ``E[X(t)] = (a+b-1)/(a-1) · [1 - (alpha/(alpha+t))^r ₂F₁(r, b; a+b-1; t/(alpha+t))]``.

    Examples
    --------
    >>> p = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> expected_purchases(p, [13.0, 39.0]).round(3)
    array([0.534, 1.197])
    """
    horizon = np.atleast_1d(np.asarray(t, dtype=np.float64))
    return alive_expected_purchases(
        params.r,
        params.a,
        params.b,
        np.zeros_like(horizon),
        np.full_like(horizon, params.alpha),
        horizon,
    )
