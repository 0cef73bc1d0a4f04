"""Shared maximum-likelihood machinery for the CLV models.

Every model here is fitted the same way: the *mean* negative log-likelihood per
customer (so tolerances do not depend on the number of customers) and its analytic
gradient are minimised by L-BFGS-B over the logarithms of the parameters, which keeps
them positive without bounds. Standard errors come from a finite-difference Hessian of
the analytic gradient (delta method back to the natural scale).

Identical rows of sufficient statistics are pooled with integer weights before fitting:
the log-likelihood of a customer depends on the data only through these statistics,
so ``w`` identical rows contribute exactly ``w`` times one row's log-likelihood and
gradient. That is sufficient-statistic pooling, not an approximation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from accord.errors import InputError

__all__ = ["FitStatus", "MLEResult", "compress_rows", "maximise_log_likelihood", "row_weights"]

FloatArray = npt.NDArray[np.float64]

FitStatus = Literal["ok", "too_few_customers", "no_repeat_buyers", "no_churn", "did_not_converge"]
"""Reason code of a fit: ``"ok"`` or why the estimates should not be used."""

_LOG_BOUND = 25.0

#: Objective: log-parameters -> (sum of weighted log-likelihood, gradient wrt log-parameters).
LogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]


@dataclass(frozen=True, slots=True)
class MLEResult:
    """Outcome of :func:`maximise_log_likelihood`.

    Attributes
    ----------
    params
        Estimates on the natural (positive) scale.
    log_likelihood
        Maximised total log-likelihood.
    standard_errors
        Asymptotic standard errors on the natural scale (``nan`` where the observed
        information matrix is singular).
    converged
        Whether L-BFGS-B reported convergence.
    iterations
        Number of L-BFGS-B iterations.
    message
        The optimiser's message.
    """

    params: FloatArray
    log_likelihood: float
    standard_errors: FloatArray
    converged: bool
    iterations: int
    message: str


def row_weights(weights: npt.ArrayLike | None, n: int) -> FloatArray:
    """Weights of ``n`` rows (default 1 each), checked: one finite, non-negative per row."""
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InputError("weights must be one finite, non-negative number per row.")
    return w


def compress_rows(
    *columns: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> tuple[list[FloatArray], FloatArray]:
    """Pool identical rows of sufficient statistics into unique rows with weights.

    Parameters
    ----------
    *columns
        Equal-length 1-d arrays, one per statistic (e.g. ``x, t_x, T``).
    weights
        Existing row weights (default 1 per row); pooled rows add them up.

    Returns
    -------
    tuple
        The unique rows, one array per column, and their summed weights.

    Examples
    --------
    >>> cols, w = compress_rows([0, 1, 0], [0.0, 2.0, 0.0])
    >>> [c.tolist() for c in cols], w.tolist()
    ([[0.0, 1.0], [0.0, 2.0]], [2.0, 1.0])
    """
    cols = [np.asarray(c, dtype=np.float64) for c in columns]
    w = np.ones(len(cols[0])) if weights is None else np.asarray(weights, dtype=np.float64)
    if len(w) == 0:
        return cols, w
    # lexsort + run boundaries: much faster than np.unique(axis=0) on large inputs.
    order = np.lexsort(cols[::-1])
    sorted_cols = [c[order] for c in cols]
    new_run = np.zeros(len(order), dtype=bool)
    new_run[0] = True
    for c in sorted_cols:
        new_run[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(new_run)
    pooled = np.add.reduceat(w[order], starts)
    return [c[starts] for c in sorted_cols], pooled


def maximise_log_likelihood(
    log_likelihood: LogLikelihood,
    start: npt.ArrayLike,
    *,
    total_weight: float,
    max_iterations: int = 2000,
) -> MLEResult:
    """Maximise a log-likelihood over log-parameters with L-BFGS-B.

    Parameters
    ----------
    log_likelihood
        Maps log-parameters to the total log-likelihood and its gradient with respect
        to the log-parameters.
    start
        Starting values on the natural (positive) scale.
    total_weight
        Number of customers (sum of weights); the objective is divided by it.
    max_iterations
        Iteration limit of L-BFGS-B.

    Returns
    -------
    MLEResult
        Estimates, maximised log-likelihood and standard errors.
    """
    scale = 1.0 / max(total_weight, 1.0)

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        value, grad = log_likelihood(theta)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(theta)
        return -value * scale, -grad * scale

    theta0 = np.log(np.asarray(start, dtype=np.float64))
    # Bounds on the log scale only keep the line search out of overflow territory.
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(theta0)
    with _single_threaded_blas():
        result = minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iterations, "ftol": 1e-13, "gtol": 1e-9, "maxcor": 20},
        )
    theta = np.asarray(result.x, dtype=np.float64)
    value, grad = log_likelihood(theta)
    params = np.exp(theta)
    # Converged: a stationary point (per-customer gradient ~ 0) inside the bounds. L-BFGS-B's
    # own flag is too strict: it reports a failed line search once it is at machine precision.
    stationary = bool(np.isfinite(value)) and float(np.max(np.abs(grad))) * scale < 1e-6
    interior = bool(np.all(np.abs(theta) < _LOG_BOUND - 0.1))
    return MLEResult(
        params=params,
        log_likelihood=float(value),
        standard_errors=_standard_errors(log_likelihood, theta, grad) * params,
        converged=stationary and interior,
        iterations=int(result.nit),
        message=str(result.message),
    )


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Run OpenBLAS single-threaded around SciPy's L-BFGS-B.

    Since SciPy 1.15 L-BFGS-B calls BLAS/LAPACK on tiny vectors; multi-threaded OpenBLAS
    makes each iteration ~10x slower on a busy machine (scipy/scipy#22438; botorch and
    optuna apply the same limit). ``threadpoolctl`` ships with scikit-learn.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - optional speed-up only
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _standard_errors(
    log_likelihood: LogLikelihood, theta: FloatArray, gradient: FloatArray
) -> FloatArray:
    """Standard errors of the log-parameters from a forward-difference Hessian."""
    k = len(theta)
    hessian = np.empty((k, k))
    for j in range(k):
        step = 1e-6 * max(1.0, abs(theta[j]))
        shifted = theta.copy()
        shifted[j] += step
        hessian[:, j] = (log_likelihood(shifted)[1] - gradient) / step
    hessian = (hessian + hessian.T) / 2
    try:
        covariance = np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    variances = np.diag(covariance)
    return np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)
