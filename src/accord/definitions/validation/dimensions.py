"""Rule ``unknown-dimension``: a goal's ``slice`` only uses dimensions its metric has (for a
ratio or derived metric: the dimensions all its inputs share)."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.goal import GoalDefinition
from accord.definitions.graph import available_dimensions
from accord.definitions.issues import Issue
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report goal slices on dimensions the metric cannot be broken down by."""
    metrics = catalog.metrics()
    issues: list[Issue] = []
    for entry, goal in catalog.of_kind(GoalDefinition):
        if goal.body.metric not in metrics:
            continue  # goal_tree reports it
        dims = available_dimensions(goal.body.metric, metrics)
        for dim, _ in goal.body.slice:
            if dim not in dims:
                issues.append(
                    entry.issue(
                        ("body", "slice", dim),
                        code="unknown-dimension",
                        message=f"metric {goal.body.metric!r} has no dimension {dim!r}",
                        fix=f"use one of: {', '.join(dims) or '(none: remove the slice)'}",
                    )
                )
    return issues
