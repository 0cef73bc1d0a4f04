r"""Fit a marketing-mix model fast: profile least squares over adstock and saturation.

The model (Jin et al. 2017, eq. 3, additive form) is

.. math::

    y_t = \underbrace{\gamma_0 + \text{trend}_t + \sum_{k}\big(a_k \sin 2\pi k t
    + b_k \cos 2\pi k t\big) + \sum_j \delta_j z_{t,j}}_{\text{baseline}}
    + \sum_{c} \beta_c\, s\big(\text{adstock}(x_{\cdot,c} / m_c; \alpha_c)_t; \lambda_c\big)
    + \varepsilon_t,

with :math:`\beta_c \ge 0`, geometric adstock of window ``l_max``, logistic saturation, and
:math:`m_c` the channel's largest spend. Instead of MCMC, for each candidate
:math:`(\alpha, \lambda)` the coefficients solve a ridge least-squares problem with
non-negative channel coefficients (profile likelihood under Gaussian errors); a coordinate grid
search and an L-BFGS-B polish minimise it over :math:`(\alpha, \lambda)`
(:mod:`accord.engines.budget.search`). Intervals come from a moving-block bootstrap of the
residuals with the non-linear parameters re-optimised on every resample
(:mod:`accord.engines.budget.bootstrap`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.bootstrap import bootstrap_intervals, default_block_length
from accord.engines.budget.contributions import channel_figures
from accord.engines.budget.design import Trend, base_design, time_in_years
from accord.engines.budget.priors import Priors
from accord.engines.budget.profile import Profile
from accord.engines.budget.result import (
    BootstrapInfo,
    ChannelFit,
    ChannelIntervals,
    MMMFit,
)
from accord.engines.budget.search import SearchSpace, grid_search, polish
from accord.errors import InputError

__all__ = ["FitSettings", "Progress", "fit_mmm"]

FloatArray = NDArray[np.float64]
Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: told after each step of a long fit."""
WEEKS_PER_YEAR = 365.25 / 7.0


@dataclass(frozen=True)
class FitSettings:
    """Model and search settings; the defaults are meant to work on any weekly data set.

    Attributes
    ----------
    l_max
        Adstock window in periods.
    trend
        Baseline trend: ``"none"``, ``"linear"`` or ``"quadratic"``.
    fourier_order
        Yearly Fourier pairs.
    ridge
        Relative ridge penalty on every coefficient except the intercept.
    space
        Bounds and grids of the non-linear search.
    priors
        Weak priors on decay and steepness (MAP fit); ``None`` for plain least squares.
    bootstrap
        Number of block-bootstrap resamples (0 switches intervals off).
    block_length
        Residual block length; ``None`` means :math:`\\lceil n^{1/3} \\rceil`.
    level
        Interval coverage.
    seed
        Seed of the bootstrap's random generator.
    periods_per_year
        Used for seasonality when no dates are given.
    """

    l_max: int = 8
    trend: Trend = "linear"
    fourier_order: int = 2
    ridge: float = 0.0
    space: SearchSpace = field(default_factory=SearchSpace)
    priors: Priors | None = field(default_factory=Priors)
    bootstrap: int = 100
    block_length: int | None = None
    level: float = 0.95
    seed: int = 0
    periods_per_year: float = WEEKS_PER_YEAR


def fit_mmm(
    spend: NDArray[np.floating],
    target: NDArray[np.floating],
    *,
    channels: Sequence[str],
    dates: NDArray[np.datetime64] | None = None,
    controls: NDArray[np.floating] | None = None,
    control_names: Sequence[str] = (),
    settings: FitSettings | None = None,
    progress: Progress | None = None,
) -> MMMFit:
    """Fit adstock, saturation and coefficients per channel with a baseline.

    Parameters
    ----------
    spend
        ``(n, C)`` spend per period and channel (currency, non-negative), in time order.
    target
        ``(n,)`` the outcome (sales, revenue, sign-ups).
    channels
        ``C`` channel names.
    dates
        ``(n,)`` period dates for the yearly seasonality; without them periods are assumed
        evenly spaced at ``settings.periods_per_year``.
    controls
        ``(n, k)`` other regressors (events, prices), or ``None``.
    control_names
        ``k`` control names.
    settings
        :class:`FitSettings`; defaults when ``None``.
    progress
        Called as ``progress(label, done, total)`` after the search and after each bootstrap
        resample.

    Returns
    -------
    MMMFit
        Per-channel parameters and figures with bootstrap intervals, or a
        ``"not_enough_data"`` result saying why.

    Raises
    ------
    accord.errors.InputError
        Shapes disagree, or spend is negative or not finite.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(0, 100, size=(104, 1))
    >>> y = 50 + 30 * np.tanh(x[:, 0] / 100) + rng.normal(0, 1, 104)
    >>> fit = fit_mmm(x, y, channels=["search"], settings=FitSettings(bootstrap=0))
    >>> fit.status, round(fit.channels[0].share, 2)
    ('ok', 1.0)
    """
    with _single_threaded_blas():
        return _fit(spend, target, channels, dates, controls, control_names, settings, progress)


def _single_threaded_blas() -> AbstractContextManager[object]:
    """Limit BLAS to one thread while fitting.

    The matrices here are tiny (periods x a dozen columns); multi-threaded BLAS only adds
    synchronisation, which costs 10x in wall time on a busy machine.
    """
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return nullcontext()
    limiter: AbstractContextManager[object] = threadpoolctl.threadpool_limits(
        limits=1, user_api="blas"
    )
    return limiter


def _fit(
    spend: NDArray[np.floating],
    target: NDArray[np.floating],
    channels: Sequence[str],
    dates: NDArray[np.datetime64] | None,
    controls: NDArray[np.floating] | None,
    control_names: Sequence[str],
    settings: FitSettings | None,
    progress: Progress | None,
) -> MMMFit:
    cfg = settings or FitSettings()
    report = progress or _silent
    x = np.asarray(spend, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    names = tuple(channels)
    _check_inputs(x, y, names, controls, control_names)
    n, n_channels = x.shape
    t_years = time_in_years(dates) if dates is not None else np.arange(n) / cfg.periods_per_year
    ctrl = None if controls is None else np.asarray(controls, dtype=np.float64).reshape(n, -1)
    design = base_design(
        t_years,
        trend=cfg.trend,
        fourier_order=cfg.fourier_order,
        controls=ctrl,
        control_names=tuple(control_names),
    )
    unspent = [names[c] for c in range(n_channels) if not np.any(x[:, c] > 0)]
    if unspent:
        return MMMFit(status="not_enough_data", reason=f"no spend on channel(s) {unspent}")
    needed = design.matrix.shape[1] + 3 * n_channels + 10
    if n < needed:
        return MMMFit(
            status="not_enough_data",
            reason=f"{n} periods for {needed - 10} parameters; need at least {needed}",
        )
    if np.ptp(y) == 0.0:
        return MMMFit(status="not_enough_data", reason="the target is constant")

    scale = x.max(axis=0)
    y_scale = float(np.std(y)) or 1.0
    profile = Profile(
        design.matrix,
        design.penalised,
        x / scale,
        y / y_scale,
        ridge=cfg.ridge,
        l_max=cfg.l_max,
        priors=cfg.priors,
    )
    report("search", 0, 1)
    decay, lam = grid_search(profile, cfg.space, n_channels)
    decay, lam = polish(profile, cfg.space, decay, lam)
    report("search", 1, 1)
    solution = profile.solve(decay, lam)
    beta = solution.beta * y_scale
    adstocked = np.column_stack([profile.adstocked(c, float(decay[c])) for c in range(n_channels)])
    figures = channel_figures(adstocked, x, beta=beta, lam=lam)
    fitted = (design.matrix @ solution.gamma + solution.media @ solution.beta) * y_scale
    residuals = y - fitted
    nonzero = y != 0.0
    mape = float(np.mean(np.abs(residuals[nonzero] / y[nonzero]))) if nonzero.any() else np.nan

    intervals: list[ChannelIntervals | None] = [None] * n_channels
    info = None
    if cfg.bootstrap > 0:
        block = cfg.block_length or default_block_length(n)
        intervals = list(
            bootstrap_intervals(
                profile,
                cfg.space,
                decay,
                lam,
                fitted=fitted / y_scale,
                residuals=residuals / y_scale,
                spend=x,
                y_scale=y_scale,
                resamples=cfg.bootstrap,
                block_length=block,
                level=cfg.level,
                seed=cfg.seed,
                report=report,
            )
        )
        info = BootstrapInfo(
            method="moving-block bootstrap of residuals",
            resamples=cfg.bootstrap,
            block_length=block,
            level=cfg.level,
            seed=cfg.seed,
        )
    fits = tuple(
        ChannelFit(
            channel=names[c],
            decay=float(decay[c]),
            lam=float(lam[c]),
            spend_scale=float(scale[c]),
            supported_spend=float(adstocked[:, c].max() * scale[c]),
            coefficient=float(beta[c]),
            spend=float(x[:, c].sum()),
            mean_spend=float(x[:, c].mean()),
            contribution=float(figures.contribution[c]),
            share=float(figures.share[c]),
            roi=float(figures.roi[c]),
            marginal_roi=float(figures.marginal_roi[c]),
            intervals=intervals[c],
        )
        for c in range(n_channels)
    )
    return MMMFit(
        status="ok",
        reason=None,
        channels=fits,
        baseline_names=design.names,
        baseline_coefficients=tuple(float(g) for g in solution.gamma * y_scale),
        r_squared=float(1.0 - residuals @ residuals / np.sum((y - y.mean()) ** 2)),
        mape=mape,
        n_periods=n,
        l_max=cfg.l_max,
        ridge=cfg.ridge,
        fitted=fitted,
        contributions=figures.per_period,
        bootstrap=info,
    )


def _silent(label: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""


def _check_inputs(
    x: FloatArray,
    y: FloatArray,
    names: tuple[str, ...],
    controls: NDArray[np.floating] | None,
    control_names: Sequence[str],
) -> None:
    if x.ndim != 2 or x.shape[1] != len(names) or len(names) == 0:
        raise InputError(f"spend must have one column per channel ({len(names)}), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise InputError(f"target has {y.shape} values for {x.shape[0]} periods")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise InputError("spend and target must be finite numbers (no blanks or NaN)")
    if np.any(x < 0):
        bad = [names[c] for c in range(x.shape[1]) if np.any(x[:, c] < 0)]
        raise InputError(f"negative spend on channel(s) {bad}")
    if controls is not None:
        ctrl = np.asarray(controls, dtype=np.float64).reshape(x.shape[0], -1)
        if ctrl.shape[1] != len(control_names):
            raise InputError("give one name per control column")
        if not np.all(np.isfinite(ctrl)):
            raise InputError("controls must be finite numbers (no blanks or NaN)")
