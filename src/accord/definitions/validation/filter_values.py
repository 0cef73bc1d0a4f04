"""Rules ``unknown-value`` and ``value-type``: a filter compares a column with values it can
hold (an allowed value, exactly as the loader stores it, of an enumerated column such as
``lifecycle_events.stage``; a number
for numbers, ``true``/``false`` for booleans, quoted text for text and ISO dates)."""

from __future__ import annotations

from datetime import date, datetime

from accord.data.schema import TABLES
from accord.definitions.catalog import Catalog, Entry
from accord.definitions.issues import Issue
from accord.definitions.measures import Filter, Scalar
from accord.definitions.semantic import PathError, resolve_path
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import metric_entries, table_sources

__all__ = ["check"]


def _fits(value: Scalar, ctype: str) -> bool:
    match ctype:
        case "boolean":
            return isinstance(value, bool)
        case "integer" | "float" | "money":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "date" | "timestamp":
            if not isinstance(value, str):
                return False
            try:
                (date if ctype == "date" else datetime).fromisoformat(value)
            except ValueError:
                return False
            return True
        case _:
            return isinstance(value, str)


def _check_filter(entry: Entry, path: tuple[str | int, ...], table: str, f: Filter) -> list[Issue]:
    resolved = resolve_path(table, f.column)
    if isinstance(resolved, PathError) or f.value is None:
        return []
    column = TABLES[resolved.table].column(resolved.column)
    values = f.value if isinstance(f.value, tuple) else (f.value,)
    issues: list[Issue] = []
    for v in values:
        if not _fits(v, column.type):
            issues.append(
                entry.issue(
                    (*path, "value"),
                    code="value-type",
                    message=f"{f.column} is {column.type}; {v!r} is not",
                    fix="quote text and dates ('4', '2025-01-31'); write numbers and "
                    "true/false unquoted",
                )
            )
        elif column.enum is not None and isinstance(v, str) and v not in column.enum:
            issues.append(
                entry.issue(
                    (*path, "value"),
                    code="unknown-value",
                    message=f"{f.column} is never {v!r}",
                    fix=f"use one of: {', '.join(column.enum)}",
                )
            )
    return issues


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report filter values the column cannot hold."""
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        for src in table_sources(metric):
            if src.table not in TABLES:
                continue
            for i, f in enumerate(src.filters):
                issues += _check_filter(entry, (*src.path, "filters", i), src.table, f)
    return issues
