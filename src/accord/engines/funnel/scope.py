"""What every funnel figure shares: the reporting window, the period and group keys, and
"reached stage Y after entering stage X".

*Reached* is the standard lifecycle-report convention (HubSpot's lifecycle stage funnel
counts a contact in every stage up to the furthest it reached): an entity that entered
stage X reaches a later stage Y at the first time, not before its entry into X, that it
entered Y **or any stage after Y**. So counts can only fall along the funnel, and a lead
that skipped SQL on its way to opportunity still counts as having reached SQL (reported
as ``skipped``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from accord.engines.funnel.periods import Grain, period_grid, period_label, truncate
from accord.engines.funnel.stages import NONE_LABEL, FunnelEntries
from accord.errors import InputError

__all__ = ["Window", "group_key", "period_key", "reach", "stage_pairs"]

_FAR = dt.datetime(9999, 1, 1)


@dataclass(frozen=True, slots=True)
class Window:
    """Reporting window ``[start, end)`` in local time, cut into periods of ``grain``
    (one period for the whole window when ``grain`` is ``None``)."""

    start: dt.datetime
    end: dt.datetime
    grain: Grain | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InputError(f"the window ends ({self.end}) before it starts ({self.start})")

    def periods(self) -> list[dt.datetime]:
        """Period starts (the window start alone without a grain)."""
        if self.grain is None:
            return [self.start]
        return period_grid(self.start, self.end, self.grain)

    def label(self, start: dt.datetime) -> str:
        """Label of the period starting at *start*."""
        if self.grain is None:
            return f"{self.start.date().isoformat()}..{self.end.date().isoformat()}"
        return period_label(start, self.grain)

    def contains(self, ts: ir.TimestampValue) -> ir.BooleanValue:
        """``start <= ts < end``."""
        return (ts >= ibis.literal(self.start)) & (ts < ibis.literal(self.end))


def period_key(ts: ir.TimestampValue, window: Window) -> ir.TimestampValue:
    """Start of *ts*'s period (the window start without a grain)."""
    if window.grain is None:
        return ibis.literal(window.start, "timestamp")
    return truncate(ts, window.grain).cast("timestamp")


def group_key(table: ir.Table, by: str | None) -> ir.StringValue:
    """The ``by`` attribute as a string, ``(none)`` when missing; ``"all"`` without one."""
    if by is None:
        return ibis.literal("all")
    if by not in table.columns:
        raise InputError(f"cannot group by {by!r}: no such attribute on the funnel entries")
    return table[by].cast("string").fill_null(NONE_LABEL)


def reach(t: ir.Table, entries: FunnelEntries, from_stage: str, to_stage: str) -> ir.Value:
    """Time the entity reached *to_stage* after entering *from_stage* (null: not yet).

    The first entry, at or after the entry into *from_stage*, into *to_stage* or any
    later stage.
    """
    i, j = entries.index(from_stage), entries.index(to_stage)
    if j <= i:
        raise InputError(f"{to_stage!r} does not come after {from_stage!r} in the funnel")
    x = t[from_stage]
    # a flat LEAST over sentinel-filled candidates keeps the SQL linear in the stages
    far = ibis.literal(_FAR)
    candidates = [ibis.ifelse(t[s].notnull() & (t[s] >= x), t[s], far) for s in entries.stages[j:]]
    best = candidates[0] if len(candidates) == 1 else ibis.least(*candidates)
    return ibis.ifelse(best == far, ibis.null("timestamp"), best)


def stage_pairs(
    entries: FunnelEntries, pairs: Iterable[tuple[str, str]] | None, *, all_pairs: bool = True
) -> list[tuple[str, str]]:
    """The (from, to) pairs asked for, checked; by default every stage to every later
    stage (or only consecutive stages with ``all_pairs=False``)."""
    s = entries.stages
    if pairs is None:
        if all_pairs:
            return [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))]
        return [(s[i], s[i + 1]) for i in range(len(s) - 1)]
    out = []
    for a, b in pairs:
        if entries.index(b) <= entries.index(a):
            raise InputError(f"{b!r} does not come after {a!r} in the funnel")
        out.append((a, b))
    return out


def groups_seen(rows: Sequence[dict[str, object]]) -> list[str]:
    """Distinct ``group`` values in *rows*, sorted, or ``["all"]`` when there are none."""
    found = sorted({str(r["group"]) for r in rows})
    return found or ["all"]
