"""Rules ``unknown-time-column`` and ``not-a-time-column``: every measure over a table is
placed in time by a date or timestamp column of that table (the declared ``time``, else the
table's own time column)."""

from __future__ import annotations

from accord.data.schema import TABLES
from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import metric_entries, table_sources

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report time columns that do not exist or are not dates/timestamps."""
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        for src in table_sources(metric):
            table = TABLES.get(src.table)
            if table is None:
                continue  # unknown-table reports it
            times = [c.name for c in table if c.type in ("date", "timestamp")]
            column = src.time_column
            path = (*src.path, "time") if src.time is not None else src.path
            if column is None or column not in table:
                issues.append(
                    entry.issue(
                        path,
                        code="unknown-time-column",
                        message=f"table {src.table!r} has no time column {column!r}",
                        fix=f"set `time:` to one of: {', '.join(times)}",
                    )
                )
            elif table.column(column).type not in ("date", "timestamp"):
                issues.append(
                    entry.issue(
                        path,
                        code="not-a-time-column",
                        message=f"time column {src.table}.{column} is not a date or timestamp",
                        fix=f"set `time:` to one of: {', '.join(times)}",
                    )
                )
    return issues
