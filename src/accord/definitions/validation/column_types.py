"""Rule ``wrong-column-type``: sums, averages and percentiles read numeric columns, and
durations read dates or timestamps."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.semantic import column_type
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import column_uses, metric_entries

__all__ = ["check"]

_NUMERIC = ("integer", "float", "money")
_TIME = ("date", "timestamp")


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report aggregated columns of the wrong type."""
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        agg = metric.body.measure.agg if metric.body.measure is not None else None
        for use in column_uses(metric):
            if use.role not in ("column", "duration") or agg == "count_distinct":
                continue
            ctype = column_type(use.table, use.column)
            if ctype is None:
                continue  # table_columns reports it
            wanted = _TIME if use.role == "duration" else _NUMERIC
            if ctype not in wanted:
                what = "a duration" if use.role == "duration" else f"{agg}"
                kinds = "date or timestamp" if use.role == "duration" else "numeric"
                issues.append(
                    entry.issue(
                        use.path,
                        code="wrong-column-type",
                        message=f"{what} needs a {kinds} column; {use.column!r} is {ctype}",
                        fix="choose another column (or count_distinct to count values)",
                    )
                )
    return issues
