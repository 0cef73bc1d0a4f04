"""What a metric aggregates: measures over canonical tables and over other metrics.

A measure is one of (``agg`` is the discriminator):

=================  ==========================================================================
``count``          rows of ``table`` (after ``filters``)
``count_distinct`` distinct values of ``column``
``sum``            sum of ``column`` (a column path or a :class:`Duration`)
``average``        arithmetic mean of ``column``
``percentile``     continuous percentile ``q`` of ``column`` (0.5 is the median), linear
                   interpolation between order statistics (Hyndman & Fan 1996, definition 7)
``time_to_event``  percentile ``q`` of the time from each ``start`` event to the first ``end``
                   event of the same ``entity`` at or after it
``ratio``          ``numerator`` metric ÷ ``denominator`` metric, per period and dimension
``derived``        an arithmetic ``expr`` over other metrics (:mod:`.expression`)
``constant``       a parameter the data lacks (e.g. a monthly cost), ``per`` month or flat
=================  ==========================================================================

Columns are *column paths*: ``owner_id`` is a column of the measure's table;
``account_id.segment`` follows the reference ``account_id`` to ``accounts`` and reads its
``segment`` (joins are declared in :mod:`accord.definitions.semantic`). The time column
defaults to the table's time column (:data:`accord.data.schema.TABLES`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from accord.definitions.envelope import FrozenModel, Name
from accord.definitions.expression import ExpressionError, Node, parse

__all__ = [
    "GRAINS",
    "Average",
    "ColumnPath",
    "Constant",
    "Count",
    "CountDistinct",
    "Derived",
    "Duration",
    "EventSet",
    "Filter",
    "Grain",
    "Measure",
    "Percentile",
    "Ratio",
    "Scalar",
    "Sum",
    "TableMeasure",
    "TimeToEvent",
]

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
"""Time grains from finest to coarsest."""

ColumnPath = Annotated[
    str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$", max_length=200)
]
"""``column`` or ``reference.reference.column`` (see :mod:`accord.definitions.semantic`)."""

Scalar = bool | int | float | str
FilterOp = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_null", "not_null"]
DurationUnit = Literal["seconds", "minutes", "hours", "days"]


class Filter(FrozenModel):
    """Keep rows where ``column op value``; a measure's filters are combined with AND.

    ``ne`` and ``not_in`` follow SQL: rows where the column is null are not kept.
    """

    column: ColumnPath
    op: FilterOp = "eq"
    value: Scalar | tuple[Scalar, ...] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Filter:
        if self.op in ("is_null", "not_null"):
            if self.value is not None:
                raise ValueError(f"op {self.op} takes no value")
        elif self.op in ("in", "not_in"):
            if not isinstance(self.value, tuple) or not self.value:
                raise ValueError(f"op {self.op} needs a non-empty list of values")
        elif self.value is None or isinstance(self.value, tuple):
            raise ValueError(f"op {self.op} needs one value")
        return self


class Duration(FrozenModel):
    """The time from ``start`` to ``end`` (two columns of the same row), in ``unit``."""

    start: ColumnPath
    end: ColumnPath
    unit: DurationUnit = "days"


class TableMeasure(FrozenModel):
    """Fields shared by measures over one canonical table (``agg`` is fixed by each)."""

    agg: str
    table: Name
    time: Name | None = None
    filters: tuple[Filter, ...] = ()


class Count(TableMeasure):
    """Number of rows."""

    agg: Literal["count"]


class CountDistinct(TableMeasure):
    """Number of distinct non-null values of ``column``."""

    agg: Literal["count_distinct"]
    column: ColumnPath


class Sum(TableMeasure):
    """Sum of ``column`` (null when there are no rows)."""

    agg: Literal["sum"]
    column: ColumnPath | Duration


class Average(TableMeasure):
    """Arithmetic mean of the non-null values of ``column``."""

    agg: Literal["average"]
    column: ColumnPath | Duration


class Percentile(TableMeasure):
    """Continuous percentile ``q`` of ``column`` (Hyndman & Fan 1996, definition 7)."""

    agg: Literal["percentile"]
    column: ColumnPath | Duration
    q: float = Field(gt=0, lt=1)


class EventSet(FrozenModel):
    """Rows of ``table`` (after ``filters``) read as events at ``time``."""

    table: Name
    time: Name | None = None
    filters: tuple[Filter, ...] = ()


class TimeToEvent(FrozenModel):
    """Percentile ``q`` of the time from each start event to the first end event after it.

    Start events without any end event are left out (count them with a separate metric);
    the period of a duration is the period of its start event.
    """

    agg: Literal["time_to_event"]
    start: EventSet
    end: EventSet
    entity: Name
    unit: DurationUnit = "hours"
    q: float = Field(default=0.5, gt=0, lt=1)


class Ratio(FrozenModel):
    """``numerator / denominator``, two metrics evaluated on the same periods and slices."""

    agg: Literal["ratio"]
    numerator: Name
    denominator: Name


class Derived(FrozenModel):
    """An arithmetic expression over other metrics, e.g. ``a * b / c``."""

    agg: Literal["derived"]
    expr: Annotated[str, StringConstraints(min_length=1, max_length=500)]

    @field_validator("expr")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            parse(value)
        except ExpressionError as e:
            raise ValueError(f"invalid expression: {e}") from e
        return value

    @property
    def tree(self) -> Node:
        """The parsed expression."""
        return parse(self.expr)


class Constant(FrozenModel):
    """A parameter: ``value`` per month (scaled to the period's length) or flat (``per`` null)."""

    agg: Literal["constant"]
    value: float
    per: Literal["month"] | None = None


Measure = Annotated[
    Count | CountDistinct | Sum | Average | Percentile | TimeToEvent | Ratio | Derived | Constant,
    Field(discriminator="agg"),
]
