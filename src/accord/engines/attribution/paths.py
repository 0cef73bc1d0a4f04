"""Distinct journey paths with their counts: the sufficient statistics of attribution.

A *path* is the ordered list of channels (or campaigns, or teams) a journey touched.
Every attribution model here needs only, per distinct path, the number of journeys
that converted on it, their total value, and the number that did not convert. That is
the layout of the ChannelAttribution package's path files (one row per path written
``eta > iota > alpha`` with ``total_conversions``, ``total_conversion_value`` and
``total_null``), which :func:`aggregate_paths` and :meth:`PathCounts.from_arrow` read.

:class:`PathCounts` holds the paths in compressed sparse row form: ``touches`` are
integer channel codes laid end to end and ``offsets[i]:offsets[i + 1]`` is path ``i``.
Every model is vectorised over that layout, so a million distinct paths cost a few
numpy passes.

Examples
--------
>>> pc = PathCounts.from_sequences(
...     [["eta", "iota"], ["iota"]], conversions=[2, 1], nulls=[1, 4]
... )
>>> pc.channels, pc.n_paths, pc.lengths.tolist()
(('eta', 'iota'), 2, [2, 1])

References
----------
Altomare, D. & Loris, D. ChannelAttribution: Markov model for online multi-channel
attribution (R and Python package), https://channelattribution.io - file layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from accord.engines.attribution.parse import split_paths
from accord.errors import InputError

__all__ = ["PathCounts", "PositionCounts", "aggregate_paths"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _weighted_counts(key: IntArray, weights: FloatArray, size: int) -> FloatArray:
    return np.bincount(key, weights, minlength=size).astype(np.float64, copy=False)


@dataclass(slots=True)
class _Memo:
    """Derived arrays a :class:`PathCounts` computes once and keeps."""

    owner: IntArray | None = None
    positions: PositionCounts | None = None
    positions_done: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class PositionCounts:
    """Conversions and value per ``[channel, position, length - 1]`` (see
    :meth:`PathCounts.position_counts`)."""

    conversions: FloatArray
    value: FloatArray | None


def aggregate_paths(
    table: ir.Table,
    *,
    path_col: str,
    conversions_col: str,
    value_col: str | None = None,
    null_col: str | None = None,
) -> ir.Table:
    """Sum a path file's counts per distinct path, in the warehouse.

    Parameters
    ----------
    table
        One row per path (duplicates allowed), e.g. a CSV read by any Ibis backend.
    path_col, conversions_col, value_col, null_col
        Column names. Missing counts count as zero.

    Returns
    -------
    ibis.Table
        Columns ``path`` (string), ``conversions``, ``value``, ``nulls`` (float64),
        ordered by path (so results do not depend on the backend's grouping order);
        ``value``/``nulls`` are zero when their column is not given.
    """
    zero = ibis.literal(0.0)

    def num(col: str | None) -> ir.FloatingValue:
        if col is None:
            return zero
        return table[col].cast("float64").fill_null(0.0)

    rows = table.select(
        path=table[path_col].cast("string"),
        conversions=num(conversions_col),
        value=num(value_col),
        nulls=num(null_col),
    )
    summed = rows.group_by("path").aggregate(
        conversions=rows.conversions.sum(),
        value=rows.value.sum(),
        nulls=rows.nulls.sum(),
    )
    return summed.order_by("path")


@dataclass(frozen=True, slots=True, eq=False)
class PathCounts:
    """Distinct paths and their conversions, value and non-conversions.

    Parameters
    ----------
    channels
        Channel names; ``touches`` holds indices into this tuple.
    offsets
        ``int64`` array of length ``n_paths + 1``; path ``i`` is
        ``touches[offsets[i]:offsets[i + 1]]``. Every path has at least one touch.
    touches
        ``int64`` channel codes of all touches, path after path, in time order.
    conversions
        Conversions per path (``float64``).
    value
        Conversion value per path, or ``None``.
    nulls
        Non-converting journeys per path, or ``None`` when unknown.
    ages
        Per touch, time before the conversion (e.g. days), for time decay; without
        them a touch's age is the number of touches after it on its path.
    milestones
        ``(name, index)`` pairs: per path, the position in the path of the touch that
        made a milestone (``"lead"``, ``"opportunity"``), ``-1`` when none did.
    unattributed_conversions, unattributed_value
        Conversions (value) of empty paths: converted with no touch to credit.
    """

    channels: tuple[str, ...]
    offsets: IntArray
    touches: IntArray
    conversions: FloatArray
    value: FloatArray | None = None
    nulls: FloatArray | None = None
    ages: FloatArray | None = None
    milestones: tuple[tuple[str, IntArray], ...] = ()
    unattributed_conversions: float = 0.0
    unattributed_value: float = 0.0
    _memo: _Memo = field(default_factory=lambda: _Memo(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.offsets) - 1
        if n < 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.touches):
            raise InputError("Path offsets do not cover the touches.")
        if n and np.any(np.diff(self.offsets) < 1):
            raise InputError("Every path must have at least one touch.")
        if len(self.touches) and not 0 <= self.touches.min() <= self.touches.max() < len(
            self.channels
        ):
            raise InputError("Touches must be codes of the channels given.")
        for name, arr in (("conversions", self.conversions), ("value", self.value),
                          ("nulls", self.nulls)):  # fmt: skip
            if arr is None:
                continue
            if len(arr) != n:
                raise InputError(f"{name} has {len(arr)} entries for {n} paths.")
            if name != "value" and np.any(arr < 0):
                raise InputError(f"{name} must not be negative.")
        if self.ages is not None and len(self.ages) != len(self.touches):
            raise InputError("ages must have one entry per touch.")

    # ------------------------------------------------------------------ views
    @property
    def n_paths(self) -> int:
        """Number of distinct (non-empty) paths."""
        return len(self.offsets) - 1

    @property
    def lengths(self) -> IntArray:
        """Touches per path."""
        return np.diff(self.offsets)

    @property
    def path_of_touch(self) -> IntArray:
        """For every touch, the index of its path (computed once and kept)."""
        if self._memo.owner is None:
            self._memo.owner = np.repeat(np.arange(self.n_paths, dtype=np.int64), self.lengths)
        return self._memo.owner

    @property
    def total_conversions(self) -> float:
        """Conversions on non-empty paths (what can be attributed)."""
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float | None:
        """Value on non-empty paths, or ``None`` without a value column."""
        return None if self.value is None else float(self.value.sum())

    @property
    def positions(self) -> IntArray:
        """For every touch, its position in its path (0 for the first touch)."""
        return np.arange(len(self.touches), dtype=np.int64) - np.repeat(
            self.offsets[:-1], self.lengths
        )

    def position_counts(self, max_bins: int = 1 << 24) -> PositionCounts | None:
        """Conversions (and value) per channel, position and path length.

        The sufficient statistics of every rule whose shares depend only on a touch's
        position and its path's length (first, last, linear, time decay by steps,
        U-shaped): ``conversions[c, i, L - 1]`` sums the conversions of paths of length
        ``L`` whose touch ``i`` is channel ``c``. Computed once per :class:`PathCounts`
        and kept; ``None`` when it would exceed ``max_bins`` cells.
        """
        if self._memo.positions_done:
            return self._memo.positions
        n, longest = len(self.channels), int(self.lengths.max(initial=0))
        counts = None
        if 0 < n * longest * longest <= max_bins:
            lengths, starts = self.lengths, self.offsets[:-1]
            # key = (channel * longest + position) * longest + length - 1, built in place
            key = np.repeat(lengths - 1 - starts * longest, lengths)
            key += np.arange(len(self.touches), dtype=np.int64) * longest
            key += self.touches * (longest * longest)
            size, shape = n * longest * longest, (n, longest, longest)
            conv = _weighted_counts(key, np.repeat(self.conversions, lengths), size)
            value = None
            if self.value is not None:
                value = _weighted_counts(key, np.repeat(self.value, lengths), size).reshape(shape)
            conv = conv.reshape(shape)
            counts = PositionCounts(conversions=conv, value=value)
        self._memo.positions, self._memo.positions_done = counts, True
        return counts

    def milestone(self, name: str) -> IntArray | None:
        """Per-path position of the touch that made milestone ``name``, if known."""
        return dict(self.milestones).get(name)

    def path(self, i: int) -> tuple[str, ...]:
        """Channel names of path ``i``."""
        codes = self.touches[self.offsets[i] : self.offsets[i + 1]]
        return tuple(self.channels[c] for c in codes)

    # ------------------------------------------------------------ builders
    @classmethod
    def from_sequences(
        cls,
        paths: Sequence[Sequence[str]],
        *,
        conversions: Sequence[float],
        value: Sequence[float] | None = None,
        nulls: Sequence[float] | None = None,
    ) -> PathCounts:
        """Build from Python lists of channel names (small inputs, tests, examples)."""
        arrays: dict[str, pa.Array] = {
            "path": pa.array([list(p) for p in paths], pa.list_(pa.string())),
            "conversions": pa.array(conversions, pa.float64()),
        }
        if value is not None:
            arrays["value"] = pa.array(value, pa.float64())
        if nulls is not None:
            arrays["nulls"] = pa.array(nulls, pa.float64())
        return cls.from_arrow(
            pa.table(arrays),
            path_col="path",
            conversions_col="conversions",
            value_col="value" if value is not None else None,
            null_col="nulls" if nulls is not None else None,
        )

    @classmethod
    def from_arrow(
        cls,
        table: pa.Table,
        *,
        path_col: str,
        conversions_col: str,
        value_col: str | None = None,
        null_col: str | None = None,
        sep: str = ">",
        ages_col: str | None = None,
        milestone_cols: Mapping[str, str] | None = None,
    ) -> PathCounts:
        """Parse a path table (ChannelAttribution layout) into :class:`PathCounts`.

        The path column is either a string split on ``sep`` or a list of strings.
        Channel names are trimmed of spaces; empty names are skipped, as
        ChannelAttribution does. Rows whose path ends up empty are dropped and their
        conversions reported as ``unattributed_conversions``.

        Parameters
        ----------
        table
            A ``pyarrow.Table``.
        path_col, conversions_col, value_col, null_col
            Column names; missing counts are zero.
        sep
            Channel separator of string paths.
        ages_col
            Optional list column, aligned with list paths: each touch's age (time
            before the conversion) for :func:`~.rules.time_decay`.
        milestone_cols
            Optional ``{milestone: column}`` of per-path touch positions (``-1``: none),
            as produced by :func:`~.journeys.journeys`.
        """
        milestone_cols = dict(milestone_cols or {})
        for col in (path_col, conversions_col, value_col, null_col, ages_col,
                    *milestone_cols.values()):  # fmt: skip
            if col is not None and col not in table.column_names:
                raise InputError(
                    f"Column {col!r} is not in the path table.",
                    hint=f"Columns are: {', '.join(table.column_names)}.",
                )
        tokens = split_paths(table[path_col], sep=sep)
        row_len = tokens.row_lengths

        def col_values(col: str | None) -> FloatArray | None:
            if col is None:
                return None
            arr = pc.fill_null(table[col].combine_chunks().cast(pa.float64()), 0.0)
            return np.asarray(arr, dtype=np.float64)

        conv = col_values(conversions_col)
        assert conv is not None
        val, nul = col_values(value_col), col_values(null_col)
        nonempty = row_len > 0
        ages = None
        if ages_col is not None:
            age_lists = table[ages_col].combine_chunks()
            flat_ages = pc.list_flatten(age_lists).cast(pa.float64())
            if tokens.kept is None or len(flat_ages) != len(tokens.kept):
                raise InputError(f"Column {ages_col!r} must be a list with one age per touch.")
            ages = np.asarray(pc.fill_null(flat_ages, 0.0), dtype=np.float64)[tokens.kept]
        marks = tuple(
            (name, np.asarray(pc.fill_null(table[col].combine_chunks().cast(pa.int64()), -1),
                              dtype=np.int64)[nonempty])
            for name, col in milestone_cols.items()
        )  # fmt: skip
        lost_value = 0.0 if val is None else float(val[~nonempty].sum())
        offsets = np.zeros(int(nonempty.sum()) + 1, dtype=np.int64)
        np.cumsum(row_len[nonempty], out=offsets[1:])
        return cls(
            channels=tokens.channels,
            offsets=offsets,
            touches=tokens.touches,
            conversions=conv[nonempty],
            value=None if val is None else val[nonempty],
            nulls=None if nul is None else nul[nonempty],
            ages=ages,
            milestones=marks,
            unattributed_conversions=float(conv[~nonempty].sum()),
            unattributed_value=lost_value,
        )
