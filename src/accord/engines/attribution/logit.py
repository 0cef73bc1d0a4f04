"""Ridge logistic regression on grouped binomial data, by Newton's method (IRLS).

Used by the ``fitted_rate`` Shapley game: conversion of journeys on the indicators of
the channels they touched, fitted on the channel-set aggregates (one row per distinct
channel set, ``trials`` journeys of which ``successes`` converted). Deterministic and
dependency-free (NumPy only).

The estimate maximises the penalised binomial log-likelihood

    l(b) = sum_g [y_g (x_g . b) - n_g log(1 + exp(x_g . b))] - ridge / 2 * ||b[1:]||^2

where ``x_g`` is ``(1, indicators of group g)``; the intercept ``b[0]`` is not
penalised, so at the optimum ``sum_g n_g p_g = sum_g y_g`` (the score equation of the
intercept): fitted conversions add up to the observed ones. Newton steps
``b += H^-1 g`` with ``g = X^T (y - n p) - ridge * b`` and
``H = X^T diag(n p (1 - p)) X + ridge * I`` (the intercept's diagonal entry unpenalised);
the ridge keeps ``H`` positive definite and the estimate finite under separation
(e.g. a channel seen only on converting journeys). A step that would lower the
objective is halved until it does not.

References
----------
McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., ch. 4
(iteratively reweighted least squares). Chapman & Hall.
Le Cessie, S. & van Houwelingen, J. C. (1992). Ridge estimators in logistic regression.
Applied Statistics 41(1), 191-201.

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0], [1.0]])
>>> b = fit_logit(x, successes=np.array([1.0, 3.0]), trials=np.array([4.0, 4.0]), ridge=0.0)
>>> [round(float(v), 4) for v in b]  # log(1/3) and log(3) - log(1/3)
[-1.0986, 2.1972]
"""

from __future__ import annotations

import numpy as np

from accord.engines.attribution.paths import FloatArray

__all__ = ["fit_logit", "sigmoid"]


def sigmoid(z: FloatArray) -> FloatArray:
    """``1 / (1 + exp(-z))`` without overflow."""
    out: FloatArray = np.exp(-np.logaddexp(0.0, -z))
    return out


def fit_logit(
    x: FloatArray,
    *,
    successes: FloatArray,
    trials: FloatArray,
    ridge: float = 1.0,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> FloatArray:
    """Coefficients ``(intercept, b_1, ..., b_k)`` of a ridge logistic regression.

    Parameters
    ----------
    x
        ``(groups, k)`` covariates (here 0/1 channel indicators), without the intercept.
    successes, trials
        Conversions and journeys per group.
    ridge
        Penalty ``ridge / 2 * ||b||^2`` on the slopes (not the intercept); ``>= 0``.
    tol
        Stop when no coefficient moves by more than ``tol``.
    max_iter
        At most this many Newton steps.
    """
    if ridge < 0:
        raise ValueError("ridge must be >= 0")
    design = np.column_stack([np.ones(len(x)), x])
    penalty = np.full(design.shape[1], float(ridge))
    penalty[0] = 0.0
    b = np.zeros(design.shape[1])
    total = float(trials.sum())
    if total > 0:  # start at the overall rate: the intercept-only optimum
        rate = min(max(float(successes.sum()) / total, 1e-9), 1 - 1e-9)
        b[0] = np.log(rate / (1 - rate))

    def objective(coef: FloatArray) -> float:
        eta = design @ coef
        return float(successes @ eta - trials @ np.logaddexp(0.0, eta) - penalty @ coef**2 / 2)

    current = objective(b)
    for _ in range(max_iter):
        p = sigmoid(design @ b)
        grad = design.T @ (successes - trials * p) - penalty * b
        hess = (design * (trials * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        for _ in range(30):  # step halving keeps every iterate an ascent (rarely needed)
            if objective(b + step) >= current - 1e-12 * abs(current):
                break
            step = step / 2
        b = b + step
        current = objective(b)
        if np.max(np.abs(step)) < tol:
            break
    return b
