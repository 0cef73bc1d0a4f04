"""Shapley-value attribution over channel sets, computed exactly.

Channels are the players; a coalition is a set of channels. Only the *set* of channels
a journey touched matters (not their order or repeats). Two characteristic functions
are offered; both are stated here because the Shapley value is only as meaningful as
the game it is computed on.

``characteristic="conversions"`` (default; Zhao, Mahboobi & Bagheri 2018)
    ``v(S) = sum over T ⊆ S of R(T)``, where ``R(T)`` is the conversions (or value) of
    journeys whose channel set is exactly ``T``: what would still convert if only the
    channels in ``S`` existed. Its Harsanyi dividends are ``R(T)`` themselves, so the
    Shapley value is their "simplified Shapley value",
    ``phi_j = sum over T ∋ j of R(T) / |T|``: each converting
    journey's credit split equally among its distinct channels. It uses converting
    journeys only.

``characteristic="conversion_rate"``
    ``v(S) = conversions(S) / journeys(S)``, the conversion rate of journeys whose
    channel set is exactly ``S`` (0 for a set no journey had), with ``v(∅) = 0``. The
    conversions of journeys with channel set ``T`` are split by the Shapley values of
    the game restricted to ``T``, which sum to ``v(T)``; channel ``j`` gets
    ``sum over T of journeys(T) x phi_j(v|T)``, and credits sum to the conversions.
    This uses the non-converting journeys: a channel common on journeys that do not
    convert earns less (a game on conditional conversion probabilities, in the spirit
    of Shao & Li 2011 and Dalessandro et al. 2012). With Harsanyi dividends ``d`` of ``v`` (Möbius
    transform), ``phi_j(v|T) = sum over U ⊆ T, U ∋ j of d(U) / |U|``, so the credit is
    ``sum over U ∋ j of d(U) / |U| x journeys(⊇ U)``: two transforms over the ``2^n``
    coalitions, exact, ``O(n 2^n)`` (Harsanyi dividends; Grabisch 2016). Limited to
    ``max_channels`` (20 by default, 2^20 coalitions). Shares can be negative for a
    channel whose presence lowers the conversion rate.

References
----------
Zhao, K., Mahboobi, S. H. & Bagheri, S. R. (2018). Shapley value methods for
attribution modeling in online advertising. arXiv:1804.05327.
Shao, X. & Li, L. (2011). Data-driven multi-touch attribution models. KDD '11, 258-264.
Dalessandro, B., Perlich, C., Stitelman, O. & Provost, F. (2012). Causally motivated
attribution for online advertising. ADKDD '12.
Grabisch, M. (2016). Set Functions, Games and Capacities in Decision Making. Springer.

Examples
--------
>>> from accord.engines.attribution.paths import PathCounts
>>> pc = PathCounts.from_sequences([["a", "b", "a"], ["b"]], conversions=[2, 1])
>>> shapley(pc).conversions
(1.0, 2.0)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from accord.engines.attribution.paths import FloatArray, IntArray, PathCounts
from accord.engines.attribution.result import AttributionResult, ReasonCode

__all__ = ["Characteristic", "shapley"]

Characteristic = Literal["conversions", "conversion_rate"]


def channel_sets(paths: PathCounts) -> IntArray:
    """Per path, the bit mask of the channels it touched (up to 62 channels)."""
    if len(paths.channels) > 62:
        raise ValueError("channel sets as bit masks hold at most 62 channels")
    bits = np.left_shift(np.int64(1), paths.touches)
    return np.bitwise_or.reduceat(bits, paths.offsets[:-1]) if paths.n_paths else bits[:0]


def _mobius(f: FloatArray, n: int) -> FloatArray:
    """Harsanyi dividends: ``d(S) = sum over T ⊆ S of (-1)^|S-T| f(T)``."""
    out = f.copy()
    for i in range(n):
        view = out.reshape(-1, 2, 1 << i)
        view[:, 1, :] -= view[:, 0, :]
    return out


def _superset_sum(f: FloatArray, n: int) -> FloatArray:
    """``g(S) = sum over T ⊇ S of f(T)``."""
    out = f.copy()
    for i in range(n):
        view = out.reshape(-1, 2, 1 << i)
        view[:, 0, :] += view[:, 1, :]
    return out


def _sum_containing(g: FloatArray, n: int) -> FloatArray:
    """Per player ``j``, ``sum over S ∋ j of g(S)``."""
    return np.array([g.reshape(-1, 2, 1 << j)[:, 1, :].sum() for j in range(n)])


def _equal_split(paths: PathCounts, amount: FloatArray, masks: IntArray) -> FloatArray:
    """``sum over T ∋ j of R(T) / |T|``, summing per channel set first when feasible."""
    n = len(paths.channels)
    if n <= 20:
        per_set = np.bincount(masks, amount, minlength=1 << n).astype(np.float64)
        sizes = np.bitwise_count(np.arange(1 << n, dtype=np.int64)).astype(np.float64)
        sizes[0] = 1.0
        return _sum_containing(per_set / sizes, n)
    per = amount / np.bitwise_count(masks)
    return np.array([per[(masks >> j) & 1 == 1].sum() for j in range(n)])


def _rate_game(amount: FloatArray, journeys: FloatArray, masks: IntArray, n: int) -> FloatArray:
    size = 1 << n
    num = np.bincount(masks, amount, minlength=size)
    den = np.bincount(masks, journeys, minlength=size)
    v = np.divide(num, den, out=np.zeros(size), where=den > 0)
    dividends = _mobius(v, n)
    sizes = np.bitwise_count(np.arange(size, dtype=np.int64)).astype(np.float64)
    sizes[0] = 1.0  # d(∅) = v(∅) = 0
    journeys_above = _superset_sum(den.astype(np.float64), n)
    weighted: FloatArray = dividends / sizes * journeys_above
    return _sum_containing(weighted, n)


def shapley(
    paths: PathCounts,
    *,
    characteristic: Characteristic = "conversions",
    max_channels: int = 20,
) -> AttributionResult:
    """Attribute conversions (and value) by the exact Shapley value over channel sets.

    Parameters
    ----------
    paths
        Distinct paths with conversions, optional value and non-conversions.
    characteristic
        The game: ``"conversions"`` (Zhao et al. 2018) or ``"conversion_rate"``; see
        the module docstring.
    max_channels
        Largest number of channels for ``"conversion_rate"`` (``2^n`` coalitions).

    Returns
    -------
    AttributionResult
        Reason ``too_many_channels`` beyond the limit, ``no_null_journeys`` for
        ``"conversion_rate"`` without non-converting journeys.
    """
    n = len(paths.channels)
    params: tuple[tuple[str, float | str | bool], ...] = (("characteristic", characteristic),)
    reason: ReasonCode | None = None
    if paths.n_paths == 0:
        reason = "no_paths"
    elif paths.total_conversions == 0:
        reason = "no_conversions"
    elif characteristic == "conversion_rate" and (
        paths.nulls is None or not np.any(paths.nulls > 0)
    ):
        reason = "no_null_journeys"
    elif n > (max_channels if characteristic == "conversion_rate" else 62):
        reason = "too_many_channels"
    conv: FloatArray = np.zeros(n)
    value: FloatArray | None = None if paths.value is None else np.zeros(n)
    if reason is None:
        masks = channel_sets(paths)
        if characteristic == "conversions":
            conv = _equal_split(paths, paths.conversions, masks)
            if paths.value is not None:
                value = _equal_split(paths, paths.value, masks)
        else:
            assert paths.nulls is not None
            journeys = paths.conversions + paths.nulls
            conv = _rate_game(paths.conversions, journeys, masks, n)
            if paths.value is not None:
                value = _rate_game(paths.value, journeys, masks, n)
    return AttributionResult(
        model="shapley",
        channels=paths.channels,
        conversions=tuple(float(x) for x in conv),
        value=None if value is None else tuple(float(x) for x in value),
        total_conversions=paths.total_conversions,
        total_value=paths.total_value,
        reason=reason,
        parameters=params,
    )
