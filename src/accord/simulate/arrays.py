"""Small vectorised helpers for ragged (grouped) arrays."""

from __future__ import annotations

import numpy as np

__all__ = ["draw_cdf", "group_starts", "grouped_cumsum", "sigmoid", "take"]


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Offset of each group's first element in the flat array."""
    out: np.ndarray = np.cumsum(counts) - counts
    return out


def grouped_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each group of *counts* consecutive elements.

    Examples
    --------
    >>> grouped_cumsum(np.array([1, 2, 3, 4, 5]), np.array([2, 3])).tolist()
    [1, 3, 3, 7, 12]
    """
    total = np.cumsum(values)
    starts = np.repeat(group_starts(counts), counts)
    out: np.ndarray = total - (total[starts] - values[starts])
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``."""
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def draw_cdf(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """*n* draws from a categorical distribution given by its cumulative weights."""
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), cdf.size - 1)


def take(values: np.ndarray, index: np.ndarray, fill: int | bool) -> np.ndarray:
    """``values[index]`` where ``index >= 0``, *fill* elsewhere (also when *values* is
    empty)."""
    if values.size == 0:
        return np.full(index.shape, fill, dtype=values.dtype)
    out: np.ndarray = np.where(index >= 0, values[np.maximum(index, 0)], fill)
    return out
