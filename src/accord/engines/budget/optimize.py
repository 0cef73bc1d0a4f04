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
(:func:`~accord.engines.budget.transforms.logistic_saturation_inverse_log_slope`) and
:math:`\sum_c x_c(\nu)` decreases in :math:`\nu`, so :math:`\nu` is found by bisection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.result import Allocation, ChannelAllocation, ResponseCurve
from accord.engines.budget.transforms import logistic_saturation_inverse_log_slope
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
    curves: Sequence[ResponseCurve], log_nu: float, lower: FloatArray, upper: FloatArray
) -> FloatArray:
    """Spend of each channel whose marginal return is ``exp(log_nu)``, clipped to its bounds.

    Marginal returns far out on a saturated curve underflow, so the multiplier is handled by
    its logarithm throughout.
    """
    out = np.empty(len(curves))
    for c, curve in enumerate(curves):
        if curve.coefficient <= 0.0:
            out[c] = lower[c]
            continue
        # Slope of s(u) on the saturation's own scale u = spend / m: nu * m / beta.
        log_unit_slope = log_nu + np.log(curve.spend_scale) - np.log(curve.coefficient)
        u = logistic_saturation_inverse_log_slope(float(log_unit_slope), lam=curve.lam)
        out[c] = min(max(curve.spend_scale * u, lower[c]), upper[c])
    return out


def _water_fill(
    curves: Sequence[ResponseCurve], budget: float, lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, float]:
    """Bisect ``log nu`` so that the clipped spends add up to ``budget``; returns ``nu`` too."""

    def total(log_nu: float) -> float:
        return float(_spend_at(curves, log_nu, lower, upper).sum())

    live = [c for c in curves if c.coefficient > 0.0]
    if not live:
        return _finish(lower.copy(), budget, lower, upper), 0.0
    # At the largest slope at zero spend every channel sits at its lower bound.
    high = max(float(np.log(c.coefficient * c.lam / (2.0 * c.spend_scale))) for c in live)
    if total(high) >= budget:
        return _finish(_spend_at(curves, high, lower, upper), budget, lower, upper), np.exp(high)
    # Far enough down every live channel reaches its upper bound: u ~ -(log nu) / lam.
    step = max(1.0, max(c.lam * budget / c.spend_scale for c in live))
    low = high - step
    while total(low) < budget and step < 1e12:
        step *= 4.0
        low = high - step
    if total(low) < budget:
        # Only channels with no response can take the rest: any split of it is optimal.
        return _finish(_spend_at(curves, low, lower, upper), budget, lower, upper), 0.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if total(mid) >= budget:
            low = mid
        else:
            high = mid
        if high - low <= 1e-13 * max(1.0, abs(low)):
            break
    # Interpolate between the brackets: only the channels on the margin (whose spend still
    # moves between them) absorb the last bit, so channels at a bound stay exactly there.
    over, under = _spend_at(curves, low, lower, upper), _spend_at(curves, high, lower, upper)
    weight = (budget - under.sum()) / (over.sum() - under.sum())
    spend = under + weight * (over - under)
    return _finish(spend, budget, lower, upper), float(np.exp(low))


def _finish(
    spend: FloatArray,
    budget: float,
    lower: FloatArray,
    upper: FloatArray,
) -> FloatArray:
    """Remove the bisection's rounding so the spends add up to ``budget`` exactly.

    The gap goes to the channels strictly inside their bounds (whose marginal returns are
    equal, so the split does not matter to first order); channels held at a bound stay there.
    """
    gap = budget - spend.sum()
    if gap == 0.0:
        return spend
    room = (upper - spend) if gap > 0 else (spend - lower)
    inside = (spend > lower) & (spend < upper)
    if (room * inside).sum() > 0:
        room = room * inside
    if room.sum() > 0:
        spend = spend + np.sign(gap) * room * min(abs(gap) / room.sum(), 1.0)
    return spend
