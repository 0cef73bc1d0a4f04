"""Report filters of the capability pages: a period (dates or a preset) and each page's
grouping, read from the query string the same way on a page and its ``/api/v1`` twin.

The period is ``from`` and ``to`` (``YYYY-MM-DD``, both days included, as report
filters in HubSpot or Salesforce read) or one ``preset``. Presets count back from the
**newest data** (the day of the newest lifecycle event, the "as of" of ``accord
funnel``), not from the server's clock, so an export loaded last month still has a
"this month":

===============  ==================================================================
preset           days (``d`` = the newest data's day)
===============  ==================================================================
this_month       d's month
last_month       the month before d's
this_quarter     d's calendar quarter
last_quarter     the quarter before d's
year_to_date     1 January of d's year to d
last_12_months   the 12 months ending with d's month (the funnel's default window)
===============  ==================================================================

Every value is checked here and a bad one raises :class:`~accord.errors.InputError`
(HTTP 422, code ``invalid_input``, in the app's error shape). An empty value (a form's
blank field) means "not given".

Examples
--------
>>> import datetime as dt
>>> preset_days(Preset.LAST_QUARTER, dt.date(2025, 11, 20))
(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
>>> Period.parse("2025-01-01", "2025-03-31", None).days(dt.date(2025, 11, 20))
(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query

from accord.data.warehouse import Warehouse
from accord.engines.funnel.periods import to_local_py
from accord.errors import InputError
from accord.web.runtime import Runtime

__all__ = [
    "PRESET_LABELS",
    "Check",
    "FilterForm",
    "Period",
    "PeriodDep",
    "Preset",
    "Select",
    "choice",
    "data_day",
    "flag",
    "newest_day",
    "options",
    "period_query",
    "preset_days",
    "query_string",
]

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


class Preset(StrEnum):
    """A named period, counted back from the newest data."""

    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    LAST_QUARTER = "last_quarter"
    YEAR_TO_DATE = "year_to_date"
    LAST_12_MONTHS = "last_12_months"


PRESET_LABELS: dict[str, str] = {
    Preset.THIS_MONTH: "This month",
    Preset.LAST_MONTH: "Last month",
    Preset.THIS_QUARTER: "This quarter",
    Preset.LAST_QUARTER: "Last quarter",
    Preset.YEAR_TO_DATE: "Year to date",
    Preset.LAST_12_MONTHS: "Last 12 months",
}
"""The presets as the filter form names them, in its order."""


def _month(year: int, month: int, shift: int = 0) -> dt.date:
    """The first day of the month *shift* months after ``year-month``."""
    m = year * 12 + month - 1 + shift
    return dt.date(m // 12, m % 12 + 1, 1)


def preset_days(preset: Preset, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of *preset* counted back from *day*.

    >>> d = dt.date(2025, 2, 10)
    >>> [preset_days(p, d) for p in (Preset.LAST_MONTH, Preset.YEAR_TO_DATE)]
    [(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)), (datetime.date(2025, 1, 1), datetime.date(2025, 2, 10))]
    >>> preset_days(Preset.LAST_12_MONTHS, d)
    (datetime.date(2024, 3, 1), datetime.date(2025, 2, 28))
    """  # noqa: E501
    y, m = day.year, day.month
    q = 3 * ((m - 1) // 3) + 1
    one = dt.timedelta(days=1)
    if preset is Preset.THIS_MONTH:
        return _month(y, m), _month(y, m, 1) - one
    if preset is Preset.LAST_MONTH:
        return _month(y, m, -1), _month(y, m) - one
    if preset is Preset.THIS_QUARTER:
        return _month(y, q), _month(y, q, 3) - one
    if preset is Preset.LAST_QUARTER:
        return _month(y, q, -3), _month(y, q) - one
    if preset is Preset.YEAR_TO_DATE:
        return dt.date(y, 1, 1), day
    return _month(y, m, -11), _month(y, m, 1) - one


def _date(value: str | None, name: str) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10:
        raise InputError(
            f"{name}={text[:40]!r} is not a date.",
            hint=f"Write it as YYYY-MM-DD, e.g. {name}=2025-01-31.",
        )
    if not EARLIEST <= day <= LATEST:
        raise InputError(
            f"{name}={text} is out of range.", hint=f"Use a day from {EARLIEST} to {LATEST}."
        )
    return day


def choice(value: str | None, name: str, allowed: Sequence[str]) -> str | None:
    """*value* if it is one of *allowed* (``None`` when blank).

    >>> choice("week", "grain", ("week", "month")), choice("", "grain", ("week",))
    ('week', None)
    """
    text = (value or "").strip()
    if not text:
        return None
    if text not in allowed:
        raise InputError(
            f"{name}={text[:40]!r} is not one of {', '.join(allowed)}.",
            hint=f"Use {name}={allowed[0]}, or leave it out for the default.",
        )
    return text


def flag(value: str | None, name: str) -> bool:
    """A yes/no query value (a checkbox sends ``on``); blank is no."""
    text = (value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise InputError(f"{name}={text[:40]!r} is not yes or no.", hint=f"Use {name}=true.")


@dataclass(frozen=True, slots=True)
class Period:
    """The period asked for: explicit days, a preset, or nothing (the page's default)."""

    start: dt.date | None = None
    end: dt.date | None = None
    preset: Preset | None = None

    @classmethod
    def parse(cls, start: str | None, end: str | None, preset: str | None) -> Period:
        """From the query values ``from``, ``to`` and ``preset``.

        Raises
        ------
        InputError
            A bad date or preset, ``from`` after ``to``, or a preset with dates.
        """
        first, last = _date(start, "from"), _date(end, "to")
        named = choice(preset, "preset", [p.value for p in Preset])
        if named is not None and (first is not None or last is not None):
            raise InputError(
                "Give a preset or from/to dates, not both.",
                hint="Clear the dates to use the preset, or choose 'custom'.",
            )
        if first is not None and last is not None and first > last:
            raise InputError(
                f"from={first} is after to={last}.", hint="Swap them: `to` is the last day."
            )
        return cls(first, last, Preset(named) if named else None)

    @property
    def given(self) -> bool:
        """Whether anything was asked (else the page's default period applies)."""
        return self.start is not None or self.end is not None or self.preset is not None

    def days(self, newest: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """First and last day (included) asked, the preset resolved against *newest*."""
        if self.preset is not None:
            return preset_days(self.preset, newest)
        return self.start, self.end

    def query(self) -> list[tuple[str, str]]:
        """The query pairs that ask for this period again."""
        if self.preset is not None:
            return [("preset", self.preset.value)]
        pairs = [("from", self.start.isoformat())] if self.start else []
        return pairs + ([("to", self.end.isoformat())] if self.end else [])


def query_string(pairs: Iterable[tuple[str, str | None]]) -> str:
    """``?a=1&b=2`` of the pairs with a value (``""`` when none has).

    >>> query_string([("by", "rep"), ("grain", None)])
    '?by=rep'
    """
    kept = [(k, v) for k, v in pairs if v]
    return "?" + urlencode(kept) if kept else ""


def data_day(warehouse: Warehouse, time_zone: str) -> dt.date:
    """The local day of the newest lifecycle event (today when none is loaded): what
    presets count back from, the same "as of" as ``accord funnel``."""
    newest = None
    if "lifecycle_events" in warehouse.tables():
        newest = warehouse.table("lifecycle_events").ts.max().to_pyarrow().as_py()
    if newest is None:
        return dt.datetime.now(dt.UTC).date()
    return (to_local_py(newest, time_zone) + dt.timedelta(seconds=1)).date()


@dataclass(frozen=True, slots=True)
class Select:
    """A drop-down of the filter form: query *name*, its *options* (value, label); the
    first option, value ``""``, is the default."""

    name: str
    label: str
    options: tuple[tuple[str, str], ...]
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """A checkbox of the filter form."""

    name: str
    label: str
    value: bool = False


@dataclass(frozen=True, slots=True)
class FilterForm:
    """What ``_filters.html`` draws: the page's form (GET, bookmarkable, HTMX-swapped).

    Attributes
    ----------
    action
        The page's path.
    period
        The period asked (``None``: the page has no period filter).
    newest
        The newest data's day, which presets count back from.
    query
        ``?...`` asking for the same filters (added to CSV links).
    """

    action: str
    period: Period | None
    selects: tuple[Select, ...] = ()
    checks: tuple[Check, ...] = ()
    newest: dt.date | None = None
    query: str = ""

    @property
    def presets(self) -> list[tuple[str, str]]:
        """The presets' values and labels."""
        return list(PRESET_LABELS.items())


def options(values: Iterable[str], default: str) -> tuple[tuple[str, str], ...]:
    """Drop-down options: ``("", default)`` then each value labelled in words."""
    return (("", default), *((v, v.replace("_", " ")) for v in values))


def newest_day(runtime: Runtime, warehouse: Warehouse) -> dt.date:
    """:func:`data_day` of the served workspace, cached until the data changes."""
    tz = runtime.workspace.settings.workspace.timezone
    return runtime.cached("newest-data-day", lambda: data_day(warehouse, tz))


def period_query(
    start: Annotated[
        str | None,
        Query(alias="from", max_length=40, description="First day, YYYY-MM-DD (included)."),
    ] = None,
    end: Annotated[
        str | None,
        Query(alias="to", max_length=40, description="Last day, YYYY-MM-DD (included)."),
    ] = None,
    preset: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Instead of dates: "
            + ", ".join(p.value for p in Preset)
            + " (counted back from the newest data).",
        ),
    ] = None,
) -> Period:
    """The period of the query string (a bad value: 422 ``invalid_input``)."""
    return Period.parse(start, end, preset)


PeriodDep = Annotated[Period, Depends(period_query)]
"""The period filter of a route (``from``, ``to``, ``preset``)."""
