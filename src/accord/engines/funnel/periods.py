"""Local time and reporting periods, computed inside the warehouse.

Timestamps in the warehouse are naive UTC. Reports and SLA clocks run in the
workspace's IANA time zone, so :func:`to_local` turns a UTC timestamp expression into
local wall-clock time *with plain arithmetic that any Ibis backend runs*: the zone's
UTC offsets over the span of interest are read from the IANA database in Python
(:mod:`zoneinfo`) and written into the expression as a ``CASE`` over the transition
instants (a handful per year), so no backend time-zone support is needed and the result
is the same on DuckDB, PostgreSQL or Spark. Outside the span the nearest offset applies.

Periods (``day``, ``week`` = ISO week starting Monday, ``month``, ``quarter``, ``year``)
are truncations of local time; :func:`period_grid` lists the periods of a range in
Python so a report can show periods with no rows (a month with no MQLs).

Examples
--------
>>> import ibis
>>> t = ibis.memtable({"ts": [dt.datetime(2024, 7, 1, 12, 0)]})
>>> span = (dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1))
>>> t.select(local=to_local(t.ts, "America/New_York", span=span)).to_pyarrow()["local"][0]
<pyarrow.TimestampScalar: '2024-07-01T08:00:00.000000'>
>>> [p.isoformat() for p in period_grid(dt.datetime(2024, 1, 15), dt.datetime(2024, 3, 2), "month")]
['2024-01-01T00:00:00', '2024-02-01T00:00:00', '2024-03-01T00:00:00']
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal, assert_never
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.types as ir

from accord.errors import InputError

__all__ = [
    "Grain",
    "check_time_zone",
    "offset_segments",
    "period_end",
    "period_grid",
    "period_label",
    "to_local",
    "to_local_py",
    "to_utc_py",
    "truncate",
]

Grain = Literal["day", "week", "month", "quarter", "year"]
_UNIT: dict[str, Literal["D", "W", "M", "Q", "Y"]] = {
    "day": "D",
    "week": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
}
_UTC = dt.UTC


def check_time_zone(time_zone: str) -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` called *time_zone*.

    Raises
    ------
    InputError
        The name is not an IANA time zone.
    """
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {time_zone!r}",
            hint="use an IANA name such as 'Europe/Berlin' or 'America/New_York'",
        ) from exc


def to_utc_py(local: dt.datetime, time_zone: str) -> dt.datetime:
    """The naive-UTC instant of the local wall-clock time *local* (the earlier one when a
    DST change repeats it)."""
    if time_zone in ("UTC", "Etc/UTC"):
        return local
    aware = local.replace(tzinfo=check_time_zone(time_zone), fold=0)
    return aware.astimezone(_UTC).replace(tzinfo=None)


def to_local_py(utc: dt.datetime, time_zone: str) -> dt.datetime:
    """Local wall-clock time of the naive-UTC instant *utc*."""
    if time_zone in ("UTC", "Etc/UTC"):
        return utc
    zone = check_time_zone(time_zone)
    return utc.replace(tzinfo=_UTC).astimezone(zone).replace(tzinfo=None)


def _offset(zone: ZoneInfo, utc: dt.datetime) -> int:
    delta = utc.replace(tzinfo=_UTC).astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


@lru_cache(maxsize=64)
def offset_segments(
    time_zone: str, start: dt.datetime, end: dt.datetime
) -> tuple[tuple[dt.datetime, int], ...]:
    """UTC offsets of *time_zone* between the naive-UTC instants *start* and *end*.

    Returns ``((since, offset_seconds), ...)``: from the naive-UTC instant ``since``
    (the first is *start*) the offset is ``offset_seconds`` until the next ``since``.
    Transitions are found day by day and then to the second by bisection.
    """
    zone = check_time_zone(time_zone)
    day = dt.timedelta(days=1)
    segments = [(start, _offset(zone, start))]
    t = start
    while t < end:
        nxt = min(t + day, end)
        if _offset(zone, nxt) != segments[-1][1]:
            lo, hi = t, nxt  # offset(lo) == current, offset(hi) differs
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid in (lo, hi):
                    break
                if _offset(zone, mid) == segments[-1][1]:
                    lo = mid
                else:
                    hi = mid
            segments.append((hi, _offset(zone, hi)))
        t = nxt
    return tuple(segments)


def to_local(
    ts: ir.TimestampValue, time_zone: str, *, span: tuple[dt.datetime, dt.datetime]
) -> ir.TimestampValue:
    """Local wall-clock time of the naive-UTC timestamp expression *ts*.

    Parameters
    ----------
    ts
        Naive UTC timestamps.
    time_zone
        IANA name; ``"UTC"`` returns *ts* unchanged.
    span
        Naive-UTC instants between which the offsets are looked up exactly (padded by a
        year on each side); outside it the nearest offset applies.
    """
    if time_zone in ("UTC", "Etc/UTC"):
        return ts
    pad = dt.timedelta(days=366)
    segs = offset_segments(time_zone, span[0] - pad, span[1] + pad)
    if len(segs) == 1:
        offset: ir.IntegerValue = ibis.literal(segs[0][1])
    else:
        branches = [(ts < since, ibis.literal(prev)) for (since, _), (_, prev) in _pairs(segs)]
        offset = ibis.cases(*branches, else_=ibis.literal(segs[-1][1]))
    return ts + offset.as_interval("s")


def _pairs(
    segs: tuple[tuple[dt.datetime, int], ...],
) -> list[tuple[tuple[dt.datetime, int], tuple[dt.datetime, int]]]:
    return [(segs[i + 1], segs[i]) for i in range(len(segs) - 1)]


def truncate(ts: ir.TimestampValue, grain: Grain) -> ir.TimestampValue:
    """Start of the period of *grain* containing *ts* (weeks start on Monday)."""
    return ts.truncate(_UNIT[grain])


def _floor(t: dt.datetime, grain: Grain) -> dt.datetime:
    day = dt.datetime(t.year, t.month, t.day)
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(month=3 * ((t.month - 1) // 3) + 1, day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    assert_never(grain)


def period_end(start: dt.datetime, grain: Grain) -> dt.datetime:
    """Start of the period after the one starting at *start*."""
    return _next(start, grain)


def _next(t: dt.datetime, grain: Grain) -> dt.datetime:
    if grain == "day":
        return t + dt.timedelta(days=1)
    if grain == "week":
        return t + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    m = t.month - 1 + months
    return t.replace(year=t.year + m // 12, month=m % 12 + 1)


def period_grid(start: dt.datetime, end: dt.datetime, grain: Grain) -> list[dt.datetime]:
    """Starts of the periods of *grain* that overlap ``[start, end)``."""
    out: list[dt.datetime] = []
    t = _floor(start, grain)
    while t < end:
        out.append(t)
        t = _next(t, grain)
    return out


def period_label(start: dt.datetime, grain: Grain) -> str:
    """A short label: ``2024-03-04`` (day, week), ``2024-03``, ``2024-Q1``, ``2024``."""
    if grain in ("day", "week"):
        return start.date().isoformat()
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
