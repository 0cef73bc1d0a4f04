"""Calendar periods: the first day of each day/week/month/quarter/year period in a range.

Weeks start on Monday (ISO 8601), as ``date_trunc('week', ...)`` does in DuckDB,
PostgreSQL and Spark.

Examples
--------
>>> periods("quarter", date(2025, 2, 10), date(2025, 7, 1))
[datetime.date(2025, 1, 1), datetime.date(2025, 4, 1)]
>>> periods("week", date(2025, 1, 1), date(2025, 1, 10))
[datetime.date(2024, 12, 30), datetime.date(2025, 1, 6)]
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import assert_never

from accord.definitions.measures import Grain

__all__ = ["period_start", "periods"]

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_start(grain: Grain, day: date) -> date:
    """The first day of the *grain* period containing *day*."""
    match grain:
        case "day":
            return day
        case "week":
            return day - timedelta(days=day.weekday())
        case "month" | "quarter" | "year":
            months = _MONTHS[grain]
            return date(day.year, (day.month - 1) // months * months + 1, 1)
        case _:
            assert_never(grain)


def _next(grain: Grain, start: date) -> date:
    match grain:
        case "day":
            return start + timedelta(days=1)
        case "week":
            return start + timedelta(days=7)
        case "month" | "quarter" | "year":
            index = start.year * 12 + start.month - 1 + _MONTHS[grain]
            return date(index // 12, index % 12 + 1, 1)
        case _:
            assert_never(grain)


def periods(grain: Grain, start: date, end: date) -> list[date]:
    """First days of the *grain* periods that overlap ``[start, end)``."""
    out: list[date] = []
    current = period_start(grain, start)
    while current < end:
        out.append(current)
        current = _next(grain, current)
    return out
