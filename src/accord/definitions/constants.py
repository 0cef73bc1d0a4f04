"""Constant metrics: parameters the data lacks (a monthly cost, a gross margin).

A ``per: month`` constant contributes ``value * months in the period``: 1 a month, 3 a
quarter, 12 a year; over a date range without a grain, the range's length in average
Gregorian months (365.2425 / 12 = 30.436875 days). A flat constant is the same in every
period.

Examples
--------
>>> from accord.definitions.measures import Constant
>>> cost = Constant(agg="constant", value=1000, per="month")
>>> constant_value(cost, grain="quarter", start=None, end=None)
3000.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import ibis
import ibis.expr.types as ir

from accord.definitions.measures import Constant, Grain
from accord.definitions.periods import periods
from accord.errors import InputError

__all__ = ["DAYS_PER_MONTH", "constant_table", "constant_value"]

_MONTHS_PER: Mapping[Grain, int] = {"month": 1, "quarter": 3, "year": 12}
DAYS_PER_MONTH = 365.2425 / 12
"""The average Gregorian month, in days."""


def constant_value(
    m: Constant, *, grain: Grain | None, start: date | None, end: date | None
) -> float:
    """The constant's total over one *grain* period (or over ``[start, end)``)."""
    if m.per is None:
        return m.value
    if grain is not None:
        # validation keeps monthly constants out of day and week queries
        return m.value * _MONTHS_PER[grain]
    if start is None or end is None:
        raise InputError(
            "a monthly constant over an open date range has no total",
            hint="give both --from and --to, or a --grain",
        )
    return m.value * (end - start).days / DAYS_PER_MONTH


def constant_table(
    value: float, *, grain: Grain | None, start: date | None, end: date | None
) -> ir.Table:
    """A constant on its own as a table: one row per period of the range, or one row."""
    result = None if math.isnan(value) else value
    if grain is None:
        return ibis.memtable({"value": [result]}, schema={"value": "float64"})
    if start is None or end is None:
        raise InputError(
            "a constant by period needs a date range", hint="give both --from and --to"
        )
    starts = periods(grain, start, end)
    return ibis.memtable(
        {"period": starts, "value": [result] * len(starts)},
        schema={"period": "date", "value": "float64"},
    )
