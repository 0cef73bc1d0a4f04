"""Moving-block bootstrap of residuals for time-series regressions.

Residuals of a weekly model are autocorrelated, so they are resampled in blocks of ``b``
consecutive periods (Kunsch 1989, "The jackknife and the bootstrap for general stationary
observations", Ann. Statist. 17(3); Lahiri 2003, *Resampling Methods for Dependent Data*,
section 2.5). The default block length :math:`b = \\lceil n^{1/3} \\rceil` follows the
:math:`n^{1/3}` rate that is optimal for variance estimation (Hall, Horowitz & Jing 1995,
Biometrika 82(3)).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from accord.engines.budget.contributions import channel_figures
from accord.engines.budget.profile import Profile
from accord.engines.budget.result import ChannelIntervals, Interval
from accord.engines.budget.search import SearchSpace, polish

__all__ = [
    "bootstrap_intervals",
    "default_block_length",
    "moving_block_indices",
    "percentile_interval",
]

FloatArray = NDArray[np.float64]
Progress = Callable[[str, int, int], None]


def default_block_length(n: int) -> int:
    """:math:`\\lceil n^{1/3} \\rceil`, at least 1.

    Examples
    --------
    >>> default_block_length(179)
    6
    """
    return max(1, math.ceil(math.cbrt(n) - 1e-9))


def moving_block_indices(
    n: int, *, block_length: int, rng: np.random.Generator
) -> NDArray[np.intp]:
    """Indices of one moving-block resample of ``n`` periods.

    Blocks ``[s, s + b)`` with start ``s`` uniform on ``0 .. n - b`` are concatenated and the
    result cut to ``n``.

    Parameters
    ----------
    n
        Series length.
    block_length
        Block length ``b`` (capped at ``n``).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        ``n`` indices into the original series.
    """
    b = min(max(block_length, 1), n)
    blocks = math.ceil(n / b)
    starts = rng.integers(0, n - b + 1, size=blocks)
    return (starts[:, None] + np.arange(b)[None, :]).ravel()[:n]


def percentile_interval(draws: NDArray[np.float64], level: float) -> NDArray[np.float64]:
    """Percentile interval of each column of ``draws`` (Efron & Tibshirani 1993, ch. 13).

    Parameters
    ----------
    draws
        ``(B, k)`` bootstrap replicates.
    level
        Coverage, e.g. 0.95.

    Returns
    -------
    numpy.ndarray
        ``(2, k)``: lower and upper bounds (``nan`` columns stay ``nan``).
    """
    tail = 50.0 * (1.0 - level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        return np.asarray(np.nanpercentile(draws, [tail, 100.0 - tail], axis=0), dtype=np.float64)


def bootstrap_intervals(
    profile: Profile,
    space: SearchSpace,
    decay: FloatArray,
    lam: FloatArray,
    *,
    fitted: FloatArray,
    residuals: FloatArray,
    spend: FloatArray,
    y_scale: float,
    resamples: int,
    block_length: int,
    level: float,
    seed: int,
    report: Progress,
) -> list[ChannelIntervals]:
    """Percentile intervals of every per-channel figure by the moving-block bootstrap.

    Each resample is ``fitted + residuals[blocks]``; the shape parameters are re-optimised
    from the point estimate (``decay``, ``lam``) and the coefficients re-solved; spend stays
    as observed. The profile's target is restored afterwards.

    Parameters
    ----------
    profile
        The fitted objective (its target is swapped during the resampling).
    space
        Search bounds.
    decay, lam
        The point estimate.
    fitted, residuals
        On the profile's (scaled) target scale.
    spend
        ``(n, C)`` raw spend, for ROI.
    y_scale
        Factor back to target units.
    resamples, block_length, level, seed
        Bootstrap settings.
    report
        ``report("bootstrap", done, total)`` after each resample.

    Returns
    -------
    list of ChannelIntervals
        One per channel.
    """
    n, n_channels = spend.shape
    rng = np.random.default_rng(seed)
    original = profile.y
    draws = np.empty((resamples, 7, n_channels))
    try:
        for b in range(resamples):
            blocks = moving_block_indices(n, block_length=block_length, rng=rng)
            profile.set_target(fitted + residuals[blocks])
            d, lm = polish(profile, space, decay, lam, tolerance=1e-7)
            beta = profile.solve(d, lm).beta * y_scale
            adstocked = np.column_stack(
                [profile.adstocked(c, float(d[c])) for c in range(n_channels)]
            )
            f = channel_figures(adstocked, spend, beta=beta, lam=lm)
            draws[b] = [d, lm, beta, f.contribution, f.share, f.roi, f.marginal_roi]
            report("bootstrap", b + 1, resamples)
    finally:
        profile.set_target(original)
    bounds = percentile_interval(draws.reshape(resamples, -1), level).reshape(2, 7, -1)
    return [
        ChannelIntervals(
            *[Interval(float(bounds[0, k, c]), float(bounds[1, k, c])) for k in range(7)]
        )
        for c in range(n_channels)
    ]
