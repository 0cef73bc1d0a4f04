"""SLA clocks: calendar time or business time, in the workspace's time zone.

HubSpot and Salesforce let an SLA run on business hours: time outside working hours and
on weekends does not count. A :class:`Clock` measures elapsed time that way *inside the
warehouse*, with plain arithmetic on epoch seconds (no calendar table, no UDF, so any
Ibis backend runs it):

1. UTC timestamps become local wall-clock time (:func:`~accord.engines.funnel.periods.
   to_local`), then local epoch seconds ``x``.
2. Every instant gets a **clock position** ``P(x)``: the clock seconds between a fixed
   Monday 00:00 (1970-01-05) and ``x``. With ``y = x - 4 days``, ``d = floor(y / 86400)``
   (days since that Monday), ``w = floor(d / 7)``, ``dow = d - 7w`` (0 = Monday),
   ``s = y - 86400 d`` (seconds into the day) and a working day of ``H`` seconds from
   ``o`` (opening time):

   - calendar clock: ``P = x``;
   - business clock: ``P = 5Hw + H min(dow, 5) + [dow < 5] clamp(s - o, 0, H)``.

3. Elapsed clock time between two instants is ``P(b) - P(a)``; the instant a
   commitment falls due is the inverse of ``P`` at ``P(a) + allowance``
   (:meth:`Clock.instant`), placed at the end of the last working second (a deadline
   that lands on a closing time is shown at the closing time, not the next opening).

Allowances in days run on the same clock: on a business clock one day is one working
day (``H`` seconds). Public holidays are not modelled.

Examples
--------
>>> clock = Clock(business_days=True, hours=(dt.time(9), dt.time(17)))
>>> friday_4pm, monday_10am = dt.datetime(2024, 3, 1, 16), dt.datetime(2024, 3, 4, 10)
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

from accord.engines.funnel.periods import check_time_zone, to_local
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

    def position(self, local: ir.TimestampValue) -> ir.FloatingValue:
        """Clock position (seconds) of the local timestamp expression *local*."""
        x = local.epoch_seconds().cast("float64")
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

    def instant(self, position: ir.NumericValue) -> ir.TimestampValue:
        """Local timestamp at clock *position* (the inverse of :meth:`position`)."""
        if not self.business_days:
            return ibis.literal(_EPOCH) + _seconds(position.cast("float64"))
        h, o = self.day_seconds, self.opens
        q = position.cast("float64") - 1.0  # the last working second before the deadline
        w = (q / (5 * h)).floor().cast("float64")
        r = q - 5 * h * w
        d = (r / h).floor().cast("float64")
        s = r - h * d
        secs = w * 7 * _DAY + d * _DAY + o + s + 1.0
        return ibis.literal(_MONDAY) + _seconds(secs)

    # -- in Python (for scalars such as as_of) -----------------------------------------
    def position_py(self, local: dt.datetime) -> float:
        """Clock position of the local wall-clock datetime *local*."""
        x = (local - _EPOCH).total_seconds()
        if not self.business_days:
            return x
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
