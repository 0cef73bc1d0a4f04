"""Rules ``unknown-table``, ``unknown-column`` and ``not-a-reference``: every table a metric
reads is canonical and every column path resolves (:mod:`accord.definitions.semantic`)."""

from __future__ import annotations

from accord.data.schema import TABLES
from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.semantic import REFERENCES, PathError, resolve_path
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import column_uses, metric_entries, table_sources

__all__ = ["check"]


def _references_of(table: str) -> str:
    refs = sorted(col for (t, col) in REFERENCES if t == table)
    return ", ".join(refs) or "none"


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report unknown tables, unknown columns and paths through non-reference columns."""
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        bad_tables = set()
        for src in table_sources(metric):
            if src.table not in TABLES:
                bad_tables.add(src.table)
                issues.append(
                    entry.issue(
                        (*src.path, "table"),
                        code="unknown-table",
                        message=f"table {src.table!r} is not a canonical table",
                        fix=f"use one of: {', '.join(TABLES)}",
                    )
                )
        for use in column_uses(metric):
            if use.table in bad_tables:
                continue
            resolved = resolve_path(use.table, use.column)
            if not isinstance(resolved, PathError):
                continue
            if resolved.kind == "not-a-reference":
                issues.append(
                    entry.issue(
                        use.path,
                        code="not-a-reference",
                        message=(
                            f"{use.role} {use.column!r}: {resolved.table}.{resolved.column} "
                            "does not refer to another table"
                        ),
                        fix=f"follow one of the references of {resolved.table}: "
                        f"{_references_of(resolved.table)}",
                    )
                )
            else:
                issues.append(
                    entry.issue(
                        use.path,
                        code="unknown-column",
                        message=(
                            f"{use.role} {use.column!r}: table {resolved.table!r} has no "
                            f"column {resolved.column!r}"
                        ),
                        fix=f"use a column of {resolved.table}: "
                        f"{', '.join(TABLES[resolved.table].column_names)}",
                    )
                )
    return issues
