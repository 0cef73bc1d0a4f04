"""Where metrics read columns, with the YAML path of each use (shared by the column rules)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from accord.data.schema import TABLES
from accord.definitions.catalog import Catalog, Entry, YamlPath
from accord.definitions.measures import (
    Average,
    Count,
    CountDistinct,
    Duration,
    Filter,
    Percentile,
    Sum,
    TimeToEvent,
)
from accord.definitions.metric import MetricDefinition

__all__ = ["ColumnUse", "TableSource", "column_uses", "metric_entries", "table_sources"]

Role = Literal["column", "duration", "filter", "dimension", "entity"]


@dataclass(frozen=True, slots=True)
class TableSource:
    """A table a measure reads rows from, its time column and its filters."""

    path: YamlPath
    table: str
    time: str | None
    filters: tuple[Filter, ...]

    @property
    def time_column(self) -> str | None:
        """The declared time column, else the table's (``None`` for an unknown table)."""
        if self.time is not None:
            return self.time
        spec = TABLES.get(self.table)
        return spec.time_column if spec is not None else None


@dataclass(frozen=True, slots=True)
class ColumnUse:
    """One column path read from *table*, declared at *path*."""

    path: YamlPath
    table: str
    column: str
    role: Role


def table_sources(metric: MetricDefinition) -> Iterator[TableSource]:
    """The table sources of a metric's measure (none for composites and constants)."""
    m = metric.body.measure
    base: YamlPath = ("body", "measure")
    match m:
        case Count() | CountDistinct() | Sum() | Average() | Percentile():
            yield TableSource(base, m.table, m.time, m.filters)
        case TimeToEvent():
            yield TableSource((*base, "start"), m.start.table, m.start.time, m.start.filters)
            yield TableSource((*base, "end"), m.end.table, m.end.time, m.end.filters)
        case _:
            return


def column_uses(metric: MetricDefinition) -> Iterator[ColumnUse]:
    """Every column path the metric reads (time columns are :func:`table_sources`')."""
    m = metric.body.measure
    base: YamlPath = ("body", "measure")
    sources = list(table_sources(metric))
    for src in sources:
        for i, f in enumerate(src.filters):
            yield ColumnUse((*src.path, "filters", i, "column"), src.table, f.column, "filter")
    match m:
        case CountDistinct():
            yield ColumnUse((*base, "column"), m.table, m.column, "column")
        case Sum() | Average() | Percentile():
            if isinstance(m.column, Duration):
                for end in ("start", "end"):
                    col = getattr(m.column, end)
                    yield ColumnUse((*base, "column", end), m.table, col, "duration")
            else:
                yield ColumnUse((*base, "column"), m.table, m.column, "column")
        case TimeToEvent():
            for side in (m.start, m.end):
                yield ColumnUse((*base, "entity"), side.table, m.entity, "entity")
        case _:
            pass
    if sources:
        for dim, path in metric.body.dimensions:
            yield ColumnUse(("body", "dimensions", dim), sources[0].table, path, "dimension")


def metric_entries(catalog: Catalog) -> list[tuple[Entry, MetricDefinition]]:
    """``(entry, metric)`` for every metric (first of each name)."""
    return catalog.of_kind(MetricDefinition)
