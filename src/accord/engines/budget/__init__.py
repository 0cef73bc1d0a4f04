"""Marketing-mix modelling and budget allocation.

Fit geometric adstock and logistic saturation per channel with a trend, yearly seasonality and
controls (:func:`fit_mmm`), then split a budget across channels with equal marginal returns
(:func:`optimize_budget`, :func:`budget_scenarios`). Pure: numpy arrays in, frozen results out.
The formulas and their references are in ``docs/budget.md``.
"""

from accord.engines.budget.fit import FitSettings, fit_mmm
from accord.engines.budget.optimize import Bounds, budget_scenarios, optimize_budget
from accord.engines.budget.priors import Priors
from accord.engines.budget.result import (
    Allocation,
    ChannelAllocation,
    ChannelFit,
    ChannelIntervals,
    Interval,
    MMMFit,
    ResponseCurve,
)
from accord.engines.budget.search import SearchSpace
from accord.engines.budget.transforms import geometric_adstock, logistic_saturation

__all__ = [
    "Allocation",
    "Bounds",
    "ChannelAllocation",
    "ChannelFit",
    "ChannelIntervals",
    "FitSettings",
    "Interval",
    "MMMFit",
    "Priors",
    "ResponseCurve",
    "SearchSpace",
    "budget_scenarios",
    "fit_mmm",
    "geometric_adstock",
    "logistic_saturation",
    "optimize_budget",
]
