"""Compile a metric spec to an Ibis expression: a pure function, for any Ibis backend.

:func:`compile_metric` takes the metric specs (the in-force versions), a dict of Ibis
tables (warehouse tables, in-memory tables or unbound tables for SQL) and the query
(grain, dimensions, date range), and returns a :class:`CompiledMetric` whose ``expr`` has
one row per period and dimension value: the key columns (``period`` first when a grain is
asked for, then the dimensions) and ``value``. Nothing runs until the caller executes it.

Semantics
---------
- A period is ``[start, end)`` of the measure's time column; ``start``/``end`` bound it.
  Rows whose time is null (e.g. the close date of an open deal) belong to no period and
  are left out, also from totals.
- Counts and sums of no rows are 0; averages and percentiles of no rows are null.
- ``count_distinct`` of an id (a table's id column or a reference such as ``contact_id``)
  counts distinct ``(source_system, id)`` pairs: ids are only unique inside one source
  system (:mod:`accord.data.schema`). Identity resolution merges records across systems.
- A ratio or derived metric evaluates its inputs per period and dimension value, puts them
  side by side (:mod:`.composite`: null dimension values match), treats a missing count or
  sum as 0, and divides with a zero denominator giving null. There is no time spine: a
  period in which no input has a row does not appear.
- A ``constant`` per month contributes ``value * months in the period`` (a year is 12, a
  quarter 3; without a grain, the date range in average Gregorian months of 30.436875 days).
- A metric computed by an engine (``engine: clv``), or built on one, is not compiled: the
  result is a :class:`NotCompilable` with reason ``needs-engine``.

Examples
--------
>>> from accord.definitions.starter import starter_catalog
>>> from accord.definitions.semantic import canonical_tables
>>> c = compile_metric("mqls", metrics=starter_catalog().metrics(), tables=canonical_tables(),
...                    grain="month")
>>> c.keys, c.expr.columns
(('period',), ('period', 'value'))
>>> compile_metric("ltv", metrics=starter_catalog().metrics(), tables={}).reason
'needs-engine'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, assert_never

import ibis.expr.types as ir

from accord.data.schema import TABLES
from accord.definitions.composite import combine
from accord.definitions.constants import constant_table, constant_value
from accord.definitions.expression import BinOp, Ref, references
from accord.definitions.graph import available_dimensions, effective_grain, uses
from accord.definitions.measures import (
    GRAINS,
    Average,
    Constant,
    Count,
    CountDistinct,
    Derived,
    Grain,
    Percentile,
    Ratio,
    Sum,
    TimeToEvent,
)
from accord.definitions.metric import Engine, MetricDefinition
from accord.definitions.relation import Joined, period, predicate, time_range, value_column
from accord.definitions.time_to_event import time_to_event_relation
from accord.errors import InputError, NotFound

__all__ = ["CompiledMetric", "NotCompilable", "compile_metric"]


@dataclass(frozen=True, slots=True)
class CompiledMetric:
    """A metric compiled to an Ibis expression.

    Attributes
    ----------
    metric
        The metric's name.
    expr
        Columns ``keys`` then ``value``; ordered by the keys.
    keys
        ``("period", *by)`` with a grain, else ``by``.
    uses
        Every metric definition the expression depends on (itself included): a number
        computed from it must cite the version of each.
    """

    metric: str
    expr: ir.Table
    keys: tuple[str, ...]
    uses: tuple[str, ...]
    grain: Grain | None
    by: tuple[str, ...]
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class NotCompilable:
    """The compiler cannot compute this metric: an engine must (an expected outcome)."""

    metric: str
    reason: Literal["needs-engine"]
    engine: Engine
    message: str
    uses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Query:
    metrics: Mapping[str, MetricDefinition]
    tables: Mapping[str, ir.Table]
    grain: Grain | None
    by: tuple[str, ...]
    start: date | None
    end: date | None

    @property
    def keys(self) -> tuple[str, ...]:
        return (("period",) if self.grain else ()) + self.by


def _needs_engine(name: str, metrics: Mapping[str, MetricDefinition]) -> NotCompilable | None:
    for dep in uses(name, metrics):
        metric = metrics[dep]
        if metric.body.engine != "compiler":
            via = "" if dep == name else f" (through its input {dep!r})"
            return NotCompilable(
                metric=name,
                reason="needs-engine",
                engine=metric.body.engine,
                message=f"{name} is computed by the {metric.body.engine} engine{via}, "
                "not by the metric compiler",
                uses=uses(name, metrics),
            )
    return None


def compile_metric(
    name: str,
    *,
    metrics: Mapping[str, MetricDefinition],
    tables: Mapping[str, ir.Table],
    grain: Grain | None = None,
    by: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> CompiledMetric | NotCompilable:
    """Compile metric *name* to an Ibis expression.

    Parameters
    ----------
    name
        The metric to compute.
    metrics
        Metric specs by name: the metric and every metric it depends on (e.g.
        ``Catalog.metrics()``, or the in-force versions from the state store).
    tables
        Ibis tables by canonical name (warehouse, ``ibis.memtable`` or unbound tables).
    grain
        One row per ``day``/``week``/``month``/``quarter``/``year``; ``None`` for a
        single total over the range.
    by
        Dimensions to break the metric down by (declared on the metric).
    start, end
        Keep events with ``start <= time < end``.

    Raises
    ------
    NotFound
        *name* or one of its inputs is not among *metrics*.
    InputError
        An unknown dimension, a grain finer than the metric allows, a table that was not
        given, or a monthly constant over an open date range.
    """
    missing = [m for m in uses(name, metrics) if m not in metrics]
    if missing:
        raise NotFound(
            f"metric {missing[0]!r} is not defined", hint="run `accord definitions list`"
        )
    not_compilable = _needs_engine(name, metrics)
    if not_compilable is not None:
        return not_compilable
    dims = available_dimensions(name, metrics)
    unknown = [d for d in by if d not in dims]
    if unknown:
        raise InputError(
            f"metric {name!r} has no dimension {unknown[0]!r}",
            hint=f"use one of: {', '.join(dims) or '(none)'}",
        )
    finest = effective_grain(name, metrics)
    if grain is not None and finest is not None and GRAINS.index(grain) < GRAINS.index(finest):
        raise InputError(
            f"metric {name!r} is defined at grain {finest}; it cannot be computed by {grain}",
            hint=f"ask for --grain {finest} or coarser",
        )
    if start is not None and end is not None and end <= start:
        raise InputError(f"empty date range: {start} to {end}", hint="--to must be after --from")
    query = _Query(metrics, tables, grain, tuple(by), start, end)
    part = _compile(name, query)
    if isinstance(part, float):
        expr = constant_table(part, grain=grain, start=start, end=end)
    else:
        expr = part
    keys = query.keys
    expr = expr.select(*keys, "value")
    if keys:
        expr = expr.order_by(keys)
    return CompiledMetric(name, expr, keys, uses(name, metrics), grain, query.by, start, end)


def _compile(name: str, q: _Query) -> ir.Table | float:
    """An aggregated table (keys + ``value``), or a constant's value for the query period."""
    metric = q.metrics[name]
    m = metric.body.measure
    dims = {d: metric.body.dimension(d) or "" for d in q.by}
    match m:
        case Count() | CountDistinct() | Sum() | Average() | Percentile():
            return _table_measure(m, dims, q)
        case TimeToEvent():
            rel = time_to_event_relation(m, q.tables, dims=dims, start=q.start, end=q.end)
            dim_cols = {d: f"__d_{d}" for d in dims}
            return _group(rel, "__start", dim_cols, rel["__duration"].quantile(m.q), q)
        case Ratio() | Derived():
            return _composite(m, q)
        case Constant():
            return constant_value(m, grain=q.grain, start=q.start, end=q.end)
        case None:
            raise AssertionError("engine metrics are handled before compiling")
        case _:
            assert_never(m)


def _default_time(table: str) -> str:
    time = TABLES[table].time_column
    if time is None:
        raise InputError(f"table {table!r} has no time column", hint="declare `time:`")
    return time


def _table_measure(
    m: Count | CountDistinct | Sum | Average | Percentile, dims: Mapping[str, str], q: _Query
) -> ir.Table:
    paths = [f.column for f in m.filters] + list(dims.values())
    if not isinstance(m, Count):
        paths += [m.column] if isinstance(m.column, str) else [m.column.start, m.column.end]
    joined = Joined(m.table, q.tables, paths)
    rel = joined.rel
    time = m.time or _default_time(m.table)
    preds = [predicate(rel[joined.name(f.column)], f) for f in m.filters]
    preds += [rel[time].notnull(), *time_range(rel[time], q.start, q.end)]
    if preds:
        rel = rel.filter(*preds)
    value: ir.Scalar
    match m:
        case Count():
            value = rel.count()
        case CountDistinct():
            value = joined.entity_key(rel, m.column).nunique()
        case Sum():
            value = value_column(rel, joined, m.column).sum().fill_null(0)
        case Average():
            value = value_column(rel, joined, m.column).mean()
        case Percentile():
            value = value_column(rel, joined, m.column).quantile(m.q)
    return _group(rel, time, {d: joined.name(p) for d, p in dims.items()}, value, q)


def _group(
    rel: ir.Table, time: str, dims: Mapping[str, str], value: ir.Scalar, q: _Query
) -> ir.Table:
    """Aggregate *value* by the query's period (of column *time*) and dimension columns."""
    groups: dict[str, ir.Value] = {}
    if q.grain is not None:
        groups["period"] = period(rel[time], q.grain)
    groups |= {d: rel[col] for d, col in dims.items()}
    if groups:
        return rel.group_by(**groups).aggregate(value=value)
    return rel.aggregate(value=value)


def _composite(m: Ratio | Derived, q: _Query) -> ir.Table | float:
    """Compile the inputs, then combine them (:func:`~.composite.combine`)."""
    tree = BinOp("/", Ref(m.numerator), Ref(m.denominator)) if isinstance(m, Ratio) else m.tree
    parts = {n: _compile(n, q) for n in sorted(references(tree))}
    additive = {
        n for n in parts if isinstance(q.metrics[n].body.measure, Count | CountDistinct | Sum)
    }
    return combine(tree, parts, keys=q.keys, additive=additive)
