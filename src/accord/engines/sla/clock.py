"""SLA clocks: calendar time or business time, in the workspace's time zone.

HubSpot and Salesforce let an SLA run on business hours: time outside working hours and
on weekends does not count. A :class:`Clock` measures elapsed time that way *inside the
warehouse*, with plain arithmetic on epoch seconds (no calendar table, no UDF, so any
Ibis backend runs it):

1. Every instant gets a **clock position** ``P``, in seconds. On a calendar clock
   ``P`` is the UTC epoch seconds (real elapsed time, also across DST changes).
2. On a business clock the UTC timestamp first becomes local wall-clock time
   (:func:`~accord.engines.funnel.periods.to_local`) with local epoch seconds ``x``;
   ``P`` counts the working seconds between a fixed Monday 00:00 (1970-01-05) and
   ``x``. With ``y = x - 4 days``, ``d = floor(y / 86400)`` (days since that Monday),
   ``w = floor(d / 7)``, ``dow = d - 7w`` (0 = Monday), ``s = y - 86400 d`` (seconds into
   the day) and a working day of ``H`` seconds opening at ``o``:
   ``P = 5Hw + H min(dow, 5) + [dow < 5] clamp(s - o, 0, H)``.
3. Elapsed clock time between two instants is ``P(b) - P(a)``; the time a commitment
   falls due is the inverse of ``P`` at ``P(a) + allowance`` (:meth:`Clock.due`), in
   local time, placed at the end of the last working second (a deadline that lands on a
   closing time is shown at the closing time, not at the next opening).

Allowances in days run on the same clock: on a business clock one day is one working
day (``H`` seconds). Public holidays are not modelled.

Examples
--------
>>> clock = Clock("Europe/Berlin", hours=(dt.time(9), dt.time(17)))
>>> friday_4pm, monday_10am = dt.datetime(2024, 3, 1, 15), dt.datetime(2024, 3, 4, 9)  # UTC
>>> (clock.position_py(monday_10am) - clock.position_py(friday_4pm)) / 3600
2.0
>>> Clock().kind, clock.kind, clock.day_seconds
('calendar', 'business', 28800.0)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from accord.engines.funnel.periods import check_time_zone, to_local, to_local_py
from accord.errors import InputError

__all__ = ["Clock"]

_DAY = 86_400.0
_WEEK_SHIFT = 4 * _DAY  # 1970-01-01 was a Thursday; 1970-01-05 a Monday
_EPOCH = dt.datetime(1970, 1, 1)
_MONDAY = dt.datetime(1970, 1, 5)


@dataclass(frozen=True, slots=True)
class Clock:
    """How SLA time is measured.

    Parameters
    ----------
    time_zone
        IANA zone the clock runs in (the workspace's).
    business_days
        Exclude Saturdays and Sundays.
    hours
        Working hours ``(opens, closes)`` in local time, e.g. ``(09:00, 17:00)``;
        implies ``business_days``. ``None``: whole days.
    """

    time_zone: str = "UTC"
    business_days: bool = False
    hours: tuple[dt.time, dt.time] | None = None

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        if self.hours is not None:
            opens, closes = self.hours
            if _secs(closes) <= _secs(opens):
                raise InputError(f"business hours close ({closes}) before they open ({opens})")
            object.__setattr__(self, "business_days", True)

    @property
    def kind(self) -> str:
        """``"calendar"`` or ``"business"``."""
        return "business" if self.business_days else "calendar"

    @property
    def opens(self) -> float:
        """Opening time in seconds after midnight (0 without working hours)."""
        return _secs(self.hours[0]) if self.hours else 0.0

    @property
    def day_seconds(self) -> float:
        """Clock seconds in one (working) day."""
        if self.hours is None:
            return _DAY
        return _secs(self.hours[1]) - _secs(self.hours[0])

    def describe(self) -> str:
        """E.g. ``business 09:00-17:00 Mon-Fri Europe/Berlin``."""
        if not self.business_days:
            return f"calendar {self.time_zone}"
        window = f"{self.hours[0]:%H:%M}-{self.hours[1]:%H:%M} " if self.hours else ""
        return f"business {window}Mon-Fri {self.time_zone}"

    # -- in the warehouse -------------------------------------------------------------
    def local(
        self, ts: ir.TimestampValue, span: tuple[dt.datetime, dt.datetime]
    ) -> ir.TimestampValue:
        """Local wall-clock time of naive-UTC *ts*."""
        return to_local(ts, self.time_zone, span=span)

    def seconds(
        self, ts: ir.TimestampValue, span: tuple[dt.datetime, dt.datetime]
    ) -> ir.FloatingValue:
        """Epoch seconds the clock reads *ts* (naive UTC) in: UTC on a calendar clock
        (real elapsed time, also across DST changes), local wall-clock time on a
        business clock."""
        if not self.business_days:
            return ts.epoch_seconds().cast("float64")
        return self.local(ts, span).epoch_seconds().cast("float64")

    def position_of(self, x: ir.FloatingValue) -> ir.FloatingValue:
        """Clock position of :meth:`seconds` value *x* (step 2 of the module docs).

        Staging :meth:`seconds` and this in two ``mutate`` calls keeps the SQL small.
        """
        if not self.business_days:
            return x
        h, o = self.day_seconds, self.opens
        y = x - _WEEK_SHIFT
        d = (y / _DAY).floor().cast("float64")
        w = (d / 7).floor().cast("float64")
        dow = d - 7 * w
        s = y - _DAY * d
        inside = ibis.greatest(ibis.least(s - o, h), 0.0)
        today = ibis.ifelse(dow < 5, inside, 0.0)
        return 5 * h * w + h * ibis.least(dow, 5.0) + today

    def position(
        self, ts: ir.TimestampValue, span: tuple[dt.datetime, dt.datetime]
    ) -> ir.FloatingValue:
        """Clock position (seconds) of the naive-UTC timestamp expression *ts*."""
        return self.position_of(self.seconds(ts, span))

    def due(
        self,
        ts: ir.TimestampValue,
        seconds: float,
        span: tuple[dt.datetime, dt.datetime],
        *,
        position: ir.FloatingValue | None = None,
    ) -> ir.TimestampValue:
        """Local wall-clock time at which *seconds* of clock time after naive-UTC *ts*
        have run (a commitment's due time). *position*: ``position(ts)`` if already
        computed (a column), to keep the SQL small."""
        if not self.business_days:
            return self.local(ts + ibis.interval(seconds=round(seconds)), span)
        start = self.position(ts, span) if position is None else position
        q = start + (seconds - 1.0)  # the last working second before the deadline
        h, o = self.day_seconds, self.opens
        w = (q / (5 * h)).floor().cast("float64")
        r = q - 5 * h * w
        d = (r / h).floor().cast("float64")
        rest = r - h * d
        secs = w * 7 * _DAY + d * _DAY + o + rest + 1.0
        return ibis.literal(_MONDAY) + _seconds(secs)

    # -- in Python (for scalars such as as_of) -----------------------------------------
    def position_py(self, ts: dt.datetime) -> float:
        """Clock position of the naive-UTC datetime *ts* (as :meth:`position`)."""
        if not self.business_days:
            return (ts - _EPOCH).total_seconds()
        x = (to_local_py(ts, self.time_zone) - _EPOCH).total_seconds()
        h, o = self.day_seconds, self.opens
        y = x - _WEEK_SHIFT
        d = math.floor(y / _DAY)
        w = math.floor(d / 7)
        dow = d - 7 * w
        s = y - _DAY * d
        today = min(max(s - o, 0.0), h) if dow < 5 else 0.0
        return 5 * h * w + h * min(dow, 5) + today

    def allowance_hours(self, hours: float) -> float:
        """Clock seconds allowed for *hours*."""
        return hours * 3600.0

    def allowance_days(self, days: float) -> float:
        """Clock seconds allowed for *days* (working days on a business clock)."""
        return days * self.day_seconds


def _seconds(x: ir.FloatingValue) -> ir.IntervalValue:
    return x.round().cast("int64").as_interval("s")


def _secs(t: dt.time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second)
