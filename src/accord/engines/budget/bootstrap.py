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

import numpy as np
from numpy.typing import NDArray

__all__ = ["default_block_length", "moving_block_indices", "percentile_interval"]


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
