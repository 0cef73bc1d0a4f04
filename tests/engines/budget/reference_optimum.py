"""The optimum of a budget split found by a general-purpose solver (SciPy SLSQP).

An outside reference for :func:`accord.engines.budget.optimize_budget`: sequential least
squares programming (Kraft 1988) with several starting points, knowing nothing of the
equal-marginal-returns structure.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from accord.engines.budget import ResponseCurve


def slsqp_best(curves: list[ResponseCurve], budget: float, lo: np.ndarray, hi: np.ndarray) -> float:
    """The optimum found by a general-purpose solver (several starts), for comparison."""
    scale = max(budget, 1.0)

    def negative(z: np.ndarray) -> float:
        return -sum(c.response(float(v) * scale) for c, v in zip(curves, z, strict=True))

    def gradient(z: np.ndarray) -> np.ndarray:
        return -scale * np.array(
            [c.marginal(float(v) * scale) for c, v in zip(curves, z, strict=True)]
        )

    best = -np.inf
    starts = [np.clip(np.full(len(curves), budget / len(curves)), lo, hi)]
    starts += [np.clip(lo + (hi - lo) * w, lo, hi) for w in np.eye(len(curves))]
    for start in starts:
        found = minimize(
            negative,
            start / scale,
            jac=gradient,
            method="SLSQP",
            bounds=list(zip(lo / scale, hi / scale, strict=True)),
            constraints=[{"type": "eq", "fun": lambda z: z.sum() - budget / scale}],
            options={"ftol": 1e-12, "maxiter": 500},
        )
        # SLSQP sometimes stops with "positive directional derivative" at the optimum: keep
        # any point that meets the budget to 1e-6 (the response error is then below 1e-6).
        if abs(found.x.sum() * scale - budget) < 1e-6 * scale:
            best = max(best, -found.fun)
    return float(best)
