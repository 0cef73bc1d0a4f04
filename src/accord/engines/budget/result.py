"""Frozen results of the marketing-mix fit and of the budget optimiser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.transforms import logistic_saturation, logistic_saturation_slope

__all__ = [
    "Allocation",
    "BootstrapInfo",
    "ChannelAllocation",
    "ChannelFit",
    "ChannelIntervals",
    "FitStatus",
    "Interval",
    "MMMFit",
    "ResponseCurve",
]

FloatArray = NDArray[np.float64]
FitStatus = Literal["ok", "not_enough_data"]


@dataclass(frozen=True)
class Interval:
    """A two-sided bootstrap percentile interval."""

    low: float
    high: float


@dataclass(frozen=True)
class ChannelIntervals:
    """Bootstrap intervals of every per-channel figure (see :class:`BootstrapInfo`)."""

    decay: Interval
    lam: Interval
    coefficient: Interval
    contribution: Interval
    share: Interval
    roi: Interval
    marginal_roi: Interval


@dataclass(frozen=True)
class ResponseCurve:
    r"""Steady-state response of one channel to a constant spend per period.

    With normalised adstock a constant spend :math:`x` has adstock :math:`x`, so the response
    per period is :math:`\beta \, s(x / m; \lambda)` with :math:`m` the channel's spend scale.

    Attributes
    ----------
    channel
        Channel name.
    coefficient
        :math:`\beta`, the response at full saturation (target units per period).
    lam
        Saturation steepness :math:`\lambda` on spend divided by ``spend_scale``.
    spend_scale
        :math:`m`, the channel's largest historical spend per period.
    supported_spend
        The largest adstocked spend per period seen in the data: the curve above it is an
        extrapolation (the optimiser caps spend there unless told otherwise).
    """

    channel: str
    coefficient: float
    lam: float
    spend_scale: float
    supported_spend: float = float("inf")

    def response(self, spend: float) -> float:
        """Expected response per period at a constant spend per period."""
        return self.coefficient * float(logistic_saturation(spend / self.spend_scale, lam=self.lam))

    def marginal(self, spend: float) -> float:
        """Derivative of :meth:`response` with respect to spend (marginal return)."""
        slope = logistic_saturation_slope(spend / self.spend_scale, lam=self.lam)
        return self.coefficient * float(slope) / self.spend_scale


@dataclass(frozen=True)
class ChannelFit:
    """One channel of a fitted marketing-mix model.

    Attributes
    ----------
    channel
        Channel name.
    decay
        Geometric adstock rate :math:`\\alpha`.
    lam
        Logistic saturation :math:`\\lambda` on spend divided by ``spend_scale``.
    spend_scale
        Largest historical spend in one period (the saturation's unit).
    supported_spend
        Largest adstocked spend in one period: the steady-state spend the data support.
    coefficient
        :math:`\\beta` in target units: the response per period at full saturation.
    spend
        Total historical spend.
    mean_spend
        Mean spend per period (the historical mix).
    contribution
        Total modelled contribution to the target over the data, in target units.
    share
        Contribution as a share of all channels' contributions.
    roi
        Contribution divided by spend.
    marginal_roi
        Extra contribution per extra unit of spend, spend scaled up uniformly at the
        historical pattern (derivative at the current level).
    intervals
        Bootstrap intervals, or ``None`` when the bootstrap was switched off.
    """

    channel: str
    decay: float
    lam: float
    spend_scale: float
    supported_spend: float
    coefficient: float
    spend: float
    mean_spend: float
    contribution: float
    share: float
    roi: float
    marginal_roi: float
    intervals: ChannelIntervals | None = None

    @property
    def curve(self) -> ResponseCurve:
        """The channel's steady-state response curve (for the optimiser)."""
        return ResponseCurve(
            self.channel, self.coefficient, self.lam, self.spend_scale, self.supported_spend
        )


@dataclass(frozen=True)
class BootstrapInfo:
    """How the intervals were computed.

    Attributes
    ----------
    method
        Always the moving-block bootstrap of residuals (Kunsch 1989): blocks of consecutive
        residuals are resampled and added to the fitted values; the non-linear parameters are
        re-optimised from the point estimate on each resample.
    resamples
        Number of bootstrap resamples.
    block_length
        Residual block length in periods.
    level
        Coverage of the percentile intervals (e.g. 0.95).
    seed
        Seed of the random generator.
    """

    method: str
    resamples: int
    block_length: int
    level: float
    seed: int


@dataclass(frozen=True, eq=False)
class MMMFit:
    """A fitted marketing-mix model, or the reason it could not be fitted.

    Attributes
    ----------
    status
        ``"ok"`` or ``"not_enough_data"``.
    reason
        Human-readable reason when ``status`` is not ``"ok"``.
    channels
        One :class:`ChannelFit` per channel, in input order.
    baseline_names
        Names of the baseline columns (intercept, trend, Fourier terms, controls).
    baseline_coefficients
        Their coefficients (in target units, on the scaled design columns).
    r_squared
        In-sample :math:`R^2`.
    mape
        In-sample mean absolute percentage error over periods with a non-zero target.
    n_periods
        Number of periods used.
    l_max
        Adstock window.
    ridge
        Relative ridge penalty.
    fitted
        ``(n,)`` fitted target.
    contributions
        ``(n, C)`` per-period contribution of each channel.
    bootstrap
        Interval settings, or ``None`` when no bootstrap was run.
    """

    status: FitStatus
    reason: str | None
    channels: tuple[ChannelFit, ...] = ()
    baseline_names: tuple[str, ...] = ()
    baseline_coefficients: tuple[float, ...] = ()
    r_squared: float = float("nan")
    mape: float = float("nan")
    n_periods: int = 0
    l_max: int = 0
    ridge: float = 0.0
    fitted: FloatArray = field(default_factory=lambda: np.zeros(0))
    contributions: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    bootstrap: BootstrapInfo | None = None

    @property
    def curves(self) -> tuple[ResponseCurve, ...]:
        """Steady-state response curves, one per channel."""
        return tuple(c.curve for c in self.channels)


@dataclass(frozen=True)
class ChannelAllocation:
    """Recommended spend per period for one channel.

    Attributes
    ----------
    channel
        Channel name.
    spend
        Recommended spend per period.
    lower, upper
        Bounds that applied.
    response
        Expected response per period at ``spend`` (steady state).
    marginal_return
        Response per extra unit of spend at ``spend``.
    historical_spend
        Spend per period under the historical mix scaled to the same budget.
    historical_response
        Expected response per period at ``historical_spend``.
    """

    channel: str
    spend: float
    lower: float
    upper: float
    response: float
    marginal_return: float
    historical_spend: float
    historical_response: float
    supported_spend: float = float("inf")

    @property
    def beyond_support(self) -> bool:
        """Whether the recommended spend exceeds what the data support (extrapolation)."""
        return self.spend > self.supported_spend * (1 + 1e-9)

    @property
    def at_bound(self) -> Literal["lower", "upper"] | None:
        """Which bound binds, if any (the channel's marginal return then differs)."""
        tol = 1e-9 * max(1.0, abs(self.upper))
        if self.spend <= self.lower + tol:
            return "lower"
        if self.spend >= self.upper - tol:
            return "upper"
        return None


@dataclass(frozen=True)
class Allocation:
    """Optimal split of a budget, or the reason there is none.

    Attributes
    ----------
    status
        ``"ok"``, or ``"infeasible"`` when the bounds cannot meet the budget.
    reason
        Why, when infeasible.
    budget
        Budget per period.
    periods
        Horizon in periods; ``response`` and ``historical_response`` are totals over it.
    channels
        One :class:`ChannelAllocation` per channel.
    response
        Expected response over the horizon at the recommended spend.
    historical_response
        Expected response over the horizon at the historical mix for the same budget.
    marginal_return
        The common marginal return of the channels not held at a bound (the Lagrange
        multiplier of the budget constraint).
    extrapolated
        True when the budget did not fit under the supported spends and the caps were lifted.
    """

    status: Literal["ok", "infeasible"]
    reason: str | None
    budget: float
    periods: int
    channels: tuple[ChannelAllocation, ...] = ()
    response: float = float("nan")
    historical_response: float = float("nan")
    marginal_return: float = float("nan")
    extrapolated: bool = False

    @property
    def uplift(self) -> float:
        """Extra response over the horizon versus the historical mix."""
        return self.response - self.historical_response

    @property
    def uplift_ratio(self) -> float:
        """``uplift`` relative to the historical mix's response."""
        if self.historical_response == 0.0:
            return float("nan")
        return self.uplift / self.historical_response
