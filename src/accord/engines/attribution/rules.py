"""Rule-based attribution: each touch of a path gets a fixed share of its conversions.

Every rule is a weight per touch that sums to one within a path; a channel's credit is
the sum over touches of ``weight x conversions of the path`` (and likewise for value).

=============  ==========================================================================
model          share of a path's conversions
=============  ==========================================================================
first_touch    all to the first touch
last_touch     all to the last touch
linear         ``1/L`` to each of the ``L`` touches (per touch: a channel touched twice
               gets ``2/L``, as ChannelAttribution's ``linear_touch``)
time_decay     proportional to ``2 ** (-age / half_life)``, ``age`` = time before the
               conversion (touches before the last one on a path file)
u_shaped       40 % first, 40 % last, 20 % spread over the touches between
w_shaped       30 % first, 30 % lead-creation, 30 % opportunity-creation touch,
               10 % spread over the others
full_path      22.5 % each to first, lead-creation, opportunity-creation and the last
               (closing) touch, 10 % spread over the others
=============  ==========================================================================

In the position-based models, shares of anchors that fall on the same touch add up;
when a path has no touch besides its anchors, the remainder is split evenly between
the anchors (so a two-touch path is 50/50 under ``u_shaped``). A milestone that no
touch of the path made (position ``-1``) is credited to the last touch, the touch
closest to the conversion.

Examples
--------
>>> from accord.engines.attribution.paths import PathCounts
>>> pc = PathCounts.from_sequences([["a", "b", "a"]], conversions=[3])
>>> linear(pc).conversions
(2.0, 1.0)
>>> [round(x, 6) for x in u_shaped(pc).conversions]
[2.4, 0.6]

References
----------
Altomare, D. & Loris, D. ChannelAttribution, ``heuristic_models`` (first, last and
linear touch on aggregated paths). Adobe Marketo Measure (Bizible) documentation,
"Attribution models": U-shaped 40/20/40, W-shaped 30/30/30/10, full-path
22.5 x 4 + 10. Google Analytics, "Time decay" model (half-life of 7 days).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from accord.engines.attribution.paths import FloatArray, IntArray, PathCounts
from accord.engines.attribution.result import AttributionResult, ReasonCode

__all__ = [
    "first_touch",
    "full_path",
    "last_touch",
    "linear",
    "position_based",
    "time_decay",
    "u_shaped",
    "w_shaped",
]


def credit_from_weights(
    paths: PathCounts,
    weights: FloatArray,
    *,
    model: str,
    parameters: tuple[tuple[str, float | str | bool], ...] = (),
) -> AttributionResult:
    """Credit per channel from per-touch weights that sum to one within each path."""
    n = len(paths.channels)
    owner = paths.path_of_touch
    conv: FloatArray = np.bincount(
        paths.touches, weights * paths.conversions[owner], minlength=n
    ).astype(np.float64)
    value: FloatArray | None = None
    if paths.value is not None:
        value = np.bincount(paths.touches, weights * paths.value[owner], minlength=n).astype(
            np.float64
        )
    return _result(paths, conv, value, model=model, parameters=parameters)


def _result(
    paths: PathCounts,
    conv: FloatArray,
    value: FloatArray | None,
    *,
    model: str,
    parameters: tuple[tuple[str, float | str | bool], ...],
) -> AttributionResult:
    reason: ReasonCode | None = None
    if paths.n_paths == 0:
        reason = "no_paths"
    elif paths.total_conversions == 0:
        reason = "no_conversions"
    return AttributionResult(
        model=model,
        channels=paths.channels,
        conversions=tuple(float(x) for x in conv),
        value=None if value is None else tuple(float(x) for x in value),
        total_conversions=paths.total_conversions,
        total_value=paths.total_value,
        reason=reason,
        parameters=parameters,
    )


PositionWeight = Callable[[IntArray, IntArray], FloatArray]
"""Share of the touch at position ``i`` of a path of length ``L``, vectorised."""


def positional(
    paths: PathCounts,
    weight: PositionWeight,
    *,
    model: str,
    parameters: tuple[tuple[str, float | str | bool], ...] = (),
) -> AttributionResult:
    """Credit from shares that depend only on a touch's position and its path's length.

    Uses the channel x position x length counts (:meth:`PathCounts.position_counts`),
    so every such rule costs one small matrix product once they are computed.
    """
    counts = paths.position_counts()
    if counts is None:
        lengths = paths.lengths[paths.path_of_touch]
        w = weight(paths.positions, lengths)
        return credit_from_weights(paths, w, model=model, parameters=parameters)
    n, longest = counts.conversions.shape[:2]
    i, length = np.meshgrid(np.arange(longest), np.arange(1, longest + 1), indexing="ij")
    grid = np.where(i < length, weight(i, length), 0.0).ravel()
    conv = counts.conversions.reshape(n, -1) @ grid
    value = None if counts.value is None else counts.value.reshape(n, -1) @ grid
    return _result(paths, conv, value, model=model, parameters=parameters)


def _first(i: IntArray, length: IntArray) -> FloatArray:
    return np.asarray(i == 0, dtype=np.float64)


def _last(i: IntArray, length: IntArray) -> FloatArray:
    return np.asarray(i == length - 1, dtype=np.float64)


def _linear(i: IntArray, length: IntArray) -> FloatArray:
    return np.asarray(1.0 / np.maximum(length, 1), dtype=np.float64)


def _u_shaped(i: IntArray, length: IntArray) -> FloatArray:
    ends = (i == 0) | (i == length - 1)
    middle = 0.2 / np.maximum(length - 2, 1)
    return np.asarray(
        np.select([length == 1, length == 2, ends], [1.0, 0.5, 0.4], middle), dtype=np.float64
    )


def first_touch(paths: PathCounts) -> AttributionResult:
    """All of a path's conversions to its first touch."""
    return positional(paths, _first, model="first_touch")


def last_touch(paths: PathCounts) -> AttributionResult:
    """All of a path's conversions to its last touch."""
    return positional(paths, _last, model="last_touch")


def linear(paths: PathCounts) -> AttributionResult:
    """An equal share to every touch of a path (per touch, not per channel)."""
    return positional(paths, _linear, model="linear")


def time_decay(paths: PathCounts, *, half_life: float = 7.0) -> AttributionResult:
    """Shares proportional to ``2 ** (-age / half_life)``.

    Parameters
    ----------
    paths
        Path counts; ``paths.ages`` gives each touch's time before the conversion.
        Without ages, a touch's age is the number of touches after it on its path.
    half_life
        Age at which a touch weighs half as much as one at the conversion, in the unit
        of ``ages`` (days for journeys, touches for path files).
    """
    if not half_life > 0:
        raise ValueError("half_life must be positive")
    params: tuple[tuple[str, float | str | bool], ...] = (("half_life", half_life),)
    if paths.ages is None:
        ratio = 2.0 ** (-1.0 / half_life)

        def decay(i: IntArray, length: IntArray) -> FloatArray:
            # 2^(-(L-1-i)/h) over the geometric sum (1 - r^L) / (1 - r), r = 2^(-1/h)
            return np.asarray(
                np.exp2(-(length - 1 - i) / half_life) * (1 - ratio) / (1 - ratio**length),
                dtype=np.float64,
            )

        return positional(paths, decay, model="time_decay", parameters=params)
    owner = paths.path_of_touch
    raw = np.exp2(-paths.ages / half_life)
    totals = np.bincount(owner, raw, minlength=paths.n_paths)
    return credit_from_weights(paths, raw / totals[owner], model="time_decay", parameters=params)


def position_based(
    paths: PathCounts,
    anchors: Sequence[tuple[IntArray, float]],
    *,
    model: str,
) -> AttributionResult:
    """Fixed shares to anchor touches, the remainder spread over the other touches.

    Parameters
    ----------
    paths
        Path counts.
    anchors
        ``(position, share)`` pairs: per path, the position of the anchor touch inside
        the path (``-1``: not on the path, the last touch stands in) and its share.
    model
        Name of the model in the result.
    """
    n_touch, starts, lengths = len(paths.touches), paths.offsets[:-1], paths.lengths
    owner = paths.path_of_touch
    w = np.zeros(n_touch)
    is_anchor = np.zeros(n_touch, dtype=bool)
    slots = []
    for position, share in anchors:
        pos = np.where((position >= 0) & (position < lengths), position, lengths - 1)
        idx = starts + pos
        w[idx] += share
        is_anchor[idx] = True
        slots.append(idx)
    rest = 1.0 - sum(share for _, share in anchors)
    n_other = np.bincount(owner, ~is_anchor, minlength=paths.n_paths)
    others = ~is_anchor
    w[others] += rest / n_other[owner[others]]
    lonely = n_other == 0
    for idx in slots:
        w[idx[lonely]] += rest / len(slots)
    return credit_from_weights(paths, w, model=model)


def u_shaped(paths: PathCounts) -> AttributionResult:
    """40 % first touch, 40 % last touch, 20 % spread over the touches between.

    One touch takes everything; two touches split 50/50.
    """
    return positional(paths, _u_shaped, model="u_shaped")


def _milestone_anchors(paths: PathCounts) -> list[IntArray] | None:
    lead, opp = paths.milestone("lead"), paths.milestone("opportunity")
    if lead is None or opp is None:
        return None
    return [np.zeros(paths.n_paths, dtype=np.int64), lead, opp]


def _no_milestones(paths: PathCounts, model: str) -> AttributionResult:
    zeros = tuple(0.0 for _ in paths.channels)
    return AttributionResult(
        model=model,
        channels=paths.channels,
        conversions=zeros,
        value=None if paths.value is None else zeros,
        total_conversions=paths.total_conversions,
        total_value=paths.total_value,
        reason="no_milestones",
    )


def w_shaped(paths: PathCounts) -> AttributionResult:
    """30 % each to the first, lead-creation and opportunity-creation touches, 10 % rest.

    Needs the ``lead`` and ``opportunity`` milestones on ``paths`` (journeys built
    with milestones); otherwise the result carries reason ``no_milestones``.
    """
    anchors = _milestone_anchors(paths)
    if anchors is None:
        return _no_milestones(paths, "w_shaped")
    return position_based(paths, [(a, 0.3) for a in anchors], model="w_shaped")


def full_path(paths: PathCounts) -> AttributionResult:
    """22.5 % each to first, lead, opportunity and closing (last) touch; 10 % the rest."""
    anchors = _milestone_anchors(paths)
    if anchors is None:
        return _no_milestones(paths, "full_path")
    anchors.append(paths.lengths - 1)
    return position_based(paths, [(a, 0.225) for a in anchors], model="full_path")
