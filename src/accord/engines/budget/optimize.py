r"""Split a budget across channels to maximise the fitted response.

Each channel's steady-state response :math:`f_c(x) = \beta_c\, s(x / m_c; \lambda_c)` is
increasing and concave (logistic saturation is :math:`\tanh(\lambda u / 2)`), so

.. math::

    \max_x \sum_c f_c(x_c) \quad \text{s.t.} \quad \sum_c x_c = B,\;
    \ell_c \le x_c \le u_c

is a concave programme whose optimum is characterised by the Karush-Kuhn-Tucker conditions:
there is a multiplier :math:`\nu` with :math:`f_c'(x_c) = \nu` for every channel strictly
inside its bounds, :math:`f_c'(x_c) \le \nu` at a lower bound and :math:`\ge \nu` at an
upper bound -- marginal returns are equalised (Boyd & Vandenberghe 2004, *Convex
Optimization*, section 5.5.3, the "water-filling" example 5.2). Given :math:`\nu`, each
:math:`x_c(\nu) = \operatorname{clip}(f_c'^{-1}(\nu), \ell_c, u_c)` is in closed form
(:func:`~accord.engines.budget.transforms.logistic_saturation_inverse_slope`) and
:math:`\sum_c x_c(\nu)` decreases in :math:`\nu`, so :math:`\nu` is found by bisection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.result import Allocation, ChannelAllocation, ResponseCurve
from accord.engines.budget.transforms import logistic_saturation_inverse_slope
from accord.errors import InputError

__all__ = ["Bounds", "budget_scenarios", "optimize_budget"]

Bounds = Mapping[str, tuple[float | None, float | None]]
FloatArray = NDArray[np.float64]


def optimize_budget(
    curves: Sequence[ResponseCurve],
    *,
    budget: float,
    historical: Sequence[float],
    bounds: Bounds | None = None,
    periods: int = 1,
    cap_at_support: bool = True,
) -> Allocation:
    """Allocate a per-period budget across channels with equal marginal returns.

    Parameters
    ----------
    curves
        One steady-state response curve per channel (``MMMFit.curves``).
    budget
        Budget per period (same currency as the spend the model was fitted on).
    historical
        Historical spend per period of each channel; the historical mix is this, scaled to
        ``budget``, and is the reference for the uplift.
    bounds
        Optional ``{channel: (lower, upper)}`` spend per period; a ``None`` lower bound means
        0 and a ``None`` upper bound means the default cap.
    periods
        Horizon: responses are reported as totals over this many periods.
    cap_at_support
        Cap each channel without an explicit upper bound at its ``supported_spend`` (the
        largest adstocked spend in the data), so the recommendation does not rest on the curve
        beyond what was observed. When the capped channels cannot absorb the budget the caps
        are lifted and the result is marked ``extrapolated``.

    Returns
    -------
    Allocation
        The recommended spend, or status ``"infeasible"`` when the bounds cannot add up to
        ``budget``.

    Raises
    ------
    accord.errors.InputError
        Negative budget, bounds for an unknown channel, or a lower bound above an upper one.

    Examples
    --------
    >>> a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0)
    >>> b = ResponseCurve("b", coefficient=100.0, lam=2.0, spend_scale=10.0)
    >>> best = optimize_budget([a, b], budget=10.0, historical=[9.0, 1.0])
    >>> [round(c.spend, 6) for c in best.channels]
    [5.0, 5.0]
    """
    if not np.isfinite(budget) or budget < 0:
        raise InputError(f"the budget must be a non-negative number, got {budget}")
    if periods < 1:
        raise InputError(f"periods must be at least 1, got {periods}")
    if len(historical) != len(curves):
        raise InputError("give one historical spend per channel")
    lower, upper, capped = _bounds(curves, budget, bounds or {}, cap_at_support)
    extrapolated = False
    if capped.any() and upper.sum() < budget * (1 - 1e-12):
        upper = np.where(capped, budget, upper)
        extrapolated = True
    hist = np.asarray(historical, dtype=np.float64)
    hist = (
        hist * (budget / hist.sum())
        if hist.sum() > 0
        else np.full(len(curves), budget / len(curves))
    )
    if lower.sum() > budget * (1 + 1e-12) or upper.sum() < budget * (1 - 1e-12):
        return Allocation(
            status="infeasible",
            reason=(
                f"bounds allow a total between {lower.sum():,.6g} and {upper.sum():,.6g} "
                f"per period; the budget is {budget:,.6g}"
            ),
            budget=budget,
            periods=periods,
        )
    spend, nu = _water_fill(curves, budget, lower, upper)
    channels = tuple(
        ChannelAllocation(
            channel=curve.channel,
            spend=float(spend[c]),
            lower=float(lower[c]),
            upper=float(upper[c]),
            response=curve.response(float(spend[c])),
            marginal_return=curve.marginal(float(spend[c])),
            historical_spend=float(hist[c]),
            historical_response=curve.response(float(hist[c])),
            supported_spend=curve.supported_spend,
        )
        for c, curve in enumerate(curves)
    )
    return Allocation(
        status="ok",
        reason=None,
        budget=budget,
        periods=periods,
        channels=channels,
        response=periods * sum(c.response for c in channels),
        historical_response=periods * sum(c.historical_response for c in channels),
        marginal_return=nu,
        extrapolated=extrapolated,
    )


def budget_scenarios(
    curves: Sequence[ResponseCurve],
    *,
    budget: float,
    historical: Sequence[float],
    bounds: Bounds | None = None,
    periods: int = 1,
    multipliers: Sequence[float] = (0.5, 1.0, 2.0),
    cap_at_support: bool = True,
) -> tuple[Allocation, ...]:
    """:func:`optimize_budget` at several multiples of ``budget`` (same bounds).

    Parameters
    ----------
    curves, budget, historical, bounds, periods, cap_at_support
        As for :func:`optimize_budget`.
    multipliers
        Budget multiples to evaluate.

    Returns
    -------
    tuple of Allocation
        One per multiplier, in order (``"infeasible"`` where the bounds do not allow it).
    """
    return tuple(
        optimize_budget(
            curves,
            budget=m * budget,
            historical=historical,
            bounds=bounds,
            periods=periods,
            cap_at_support=cap_at_support,
        )
        for m in multipliers
    )


def _bounds(
    curves: Sequence[ResponseCurve], budget: float, given: Bounds, cap_at_support: bool
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Lower and upper spend per channel, and which uppers are default caps."""
    names = [c.channel for c in curves]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise InputError(f"bounds name unknown channel(s) {unknown}; channels are {names}")
    lower = np.zeros(len(curves))
    upper = np.full(len(curves), budget)
    capped = np.zeros(len(curves), dtype=bool)
    for c, curve in enumerate(curves):
        lo, hi = given.get(curve.channel, (None, None))
        lower[c] = 0.0 if lo is None else lo
        if hi is not None:
            upper[c] = min(hi, budget)
        elif cap_at_support and curve.supported_spend < budget:
            upper[c] = curve.supported_spend
            capped[c] = True
        if lower[c] < 0 or (hi is not None and lower[c] > hi):
            raise InputError(f"bounds for {curve.channel!r} must satisfy 0 <= lower <= upper")
    upper = np.maximum(upper, lower)
    return lower, upper, capped


def _spend_at(
    curves: Sequence[ResponseCurve], nu: float, lower: FloatArray, upper: FloatArray
) -> FloatArray:
    """Spend of each channel whose marginal return equals ``nu``, clipped to its bounds."""
    out = np.empty(len(curves))
    for c, curve in enumerate(curves):
        if curve.coefficient <= 0.0:
            out[c] = lower[c]
            continue
        unit_slope = nu * curve.spend_scale / curve.coefficient
        x = curve.spend_scale * logistic_saturation_inverse_slope(unit_slope, lam=curve.lam)
        out[c] = min(max(x, lower[c]), upper[c])
    return out


def _water_fill(
    curves: Sequence[ResponseCurve], budget: float, lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, float]:
    """Bisect the multiplier ``nu`` so that the clipped spends add up to ``budget``."""
    slopes = [c.marginal(float(lo)) for c, lo in zip(curves, lower, strict=True)]
    top = max(max(slopes), 1e-300)
    if _spend_at(curves, top, lower, upper).sum() >= budget:
        return _finish(curves, _spend_at(curves, top, lower, upper), budget, lower, upper), top
    low = top
    while _spend_at(curves, low, lower, upper).sum() < budget and low > 1e-300:
        low *= 1e-3
    if _spend_at(curves, low, lower, upper).sum() < budget:
        # Only channels with no response are left to absorb the rest: any split is optimal.
        return _finish(curves, _spend_at(curves, low, lower, upper), budget, lower, upper), 0.0
    high = top
    for _ in range(200):
        mid = float(np.sqrt(low * high))
        if _spend_at(curves, mid, lower, upper).sum() >= budget:
            low = mid
        else:
            high = mid
        if high / low - 1.0 < 1e-14:
            break
    spend = _spend_at(curves, low, lower, upper)
    return _finish(curves, spend, budget, lower, upper), float(np.sqrt(low * high))


def _finish(
    curves: Sequence[ResponseCurve],
    spend: FloatArray,
    budget: float,
    lower: FloatArray,
    upper: FloatArray,
) -> FloatArray:
    """Remove the bisection's rounding so the spends add up to ``budget`` exactly."""
    gap = budget - spend.sum()
    room = (upper - spend) if gap > 0 else (spend - lower)
    if gap != 0.0 and room.sum() > 0:
        spend = spend + np.sign(gap) * room * min(abs(gap) / room.sum(), 1.0)
    return spend
