"""Dates typed in the usual ways, as ISO 8601 ``YYYY-MM-DD``.

Accepted: ISO dates (with or without a time), ``YYYYMMDD``, day-month-year and
month-day-year with ``/``, ``.``, ``-`` or spaces, two-digit years, and month names in
English (``12 Mar 1980``, ``March 12, 1980``). Whether ``03/04/1980`` is the 3rd of
April or the 4th of March is a property of the whole column: :func:`infer_date_order`
decides it from the values that are unambiguous.

Examples
--------
>>> normalise_date("1980-03-04T10:00:00")
'1980-03-04'
>>> normalise_date("04/03/1980", order="DMY"), normalise_date("04/03/1980", order="MDY")
('1980-03-04', '1980-04-03')
>>> normalise_date("March 4, 1980")
'1980-03-04'
>>> infer_date_order(["25/12/1980", "03/04/1975"])
'DMY'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal

from accord.identity.normalise._text import blank_to_none

__all__ = ["DateOrder", "infer_date_order", "normalise_date"]

DateOrder = Literal["DMY", "MDY"]
"""Order of day and month in dates written with the year last."""

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t\s].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.\s](\d{1,2})[-/.\s](\d{2}|\d{4})(?:[t\s].*)?$")
_NAMED_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})$")
_NAMED_MONTH_FIRST = re.compile(r"^([a-z]+)\.?[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})$")


def normalise_date(
    value: object, *, order: DateOrder = "DMY", today: dt.date | None = None
) -> str | None:
    """The ISO form ``YYYY-MM-DD`` of a date, or ``None`` if it is not a valid date.

    Parameters
    ----------
    value
        The date as typed (a ``datetime.date`` is accepted too).
    order
        How to read ``a/b/yyyy`` when both parts could be a month.
    today
        Reference for two-digit years: ``yy`` is read in the century that puts it on
        or before *today* (dates of birth are in the past).
    """
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = blank_to_none(value)
    if text is None:
        return None
    text = text.lower()
    parts = _parse(text, order)
    if parts is None:
        return None
    year, month, day = parts
    if year < 100:
        now = (today or dt.date.today()).year
        year += 2000 if 2000 + year <= now else 1900
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse(text: str, order: DateOrder) -> tuple[int, int, int] | None:
    if m := _ISO.match(text) or _COMPACT.match(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _YEAR_LAST.match(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        day, month = (first, second) if order == "DMY" else (second, first)
        if month > 12 >= day:  # the other reading is the only valid one
            day, month = month, day
        return year, month, day
    if m := _NAMED_DAY_FIRST.match(text):
        month_number = _MONTHS.get(m[2])
        return None if month_number is None else (int(m[3]), month_number, int(m[1]))
    if m := _NAMED_MONTH_FIRST.match(text):
        month_number = _MONTHS.get(m[1])
        return None if month_number is None else (int(m[3]), month_number, int(m[2]))
    return None


def infer_date_order(values: Iterable[object]) -> DateOrder:
    """``"MDY"`` when some ``a/b/yyyy`` values only make sense month-first, else ``"DMY"``."""
    day_first = month_first = 0
    for value in values:
        text = blank_to_none(value)
        m = _YEAR_LAST.match(text.lower()) if text else None
        if m is None:
            continue
        first, second = int(m[1]), int(m[2])
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    return "MDY" if month_first > day_first else "DMY"
