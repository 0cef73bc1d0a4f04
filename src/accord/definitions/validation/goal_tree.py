"""Rules for goals: ``unknown-metric`` (a goal is measured by a defined metric),
``unknown-goal`` (its parent is a defined goal), ``circular-reference`` (the parent links
form a tree) and ``goal-owner`` (the accountable team is one of the goal's owners)."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.goal import GoalDefinition
from accord.definitions.issues import Issue
from accord.definitions.metric import MetricDefinition
from accord.definitions.validation.context import Context

__all__ = ["check"]


def _cycle_of(name: str, parents: dict[str, str | None]) -> list[str] | None:
    path = [name]
    current = parents.get(name)
    while current is not None and current in parents:
        if current == name:
            return path
        if current in path:
            return None  # a cycle further up; reported at its own members
        path.append(current)
        current = parents[current]
    return None


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report goals on unknown metrics, unknown parents, cycles and unaccountable owners."""
    metrics = catalog.names(MetricDefinition)
    goals = catalog.of_kind(GoalDefinition)
    parents = {g.name: g.body.parent for _, g in goals}
    issues: list[Issue] = []
    for entry, goal in goals:
        body = goal.body
        if body.metric not in metrics:
            issues.append(
                entry.issue(
                    ("body", "metric"),
                    code="unknown-metric",
                    message=f"goal {goal.name!r} is measured by {body.metric!r}, "
                    "which is not a defined metric",
                    fix="define the metric first, or correct the name",
                )
            )
        if body.parent is not None and body.parent not in parents:
            issues.append(
                entry.issue(
                    ("body", "parent"),
                    code="unknown-goal",
                    message=f"parent {body.parent!r} is not a defined goal",
                    fix="correct the name, or remove `parent` for a top-level goal",
                )
            )
        cycle = _cycle_of(goal.name, parents)
        if cycle is not None:
            issues.append(
                entry.issue(
                    ("body", "parent"),
                    code="circular-reference",
                    message=f"goals are each other's parents: {' -> '.join([*cycle, goal.name])}",
                    fix="make the top goal's `parent` empty",
                )
            )
        if body.owner_team not in goal.owners:
            issues.append(
                entry.issue(
                    ("body", "owner_team"),
                    code="goal-owner",
                    message=f"owner team {body.owner_team!r} is not among the goal's owners "
                    f"({', '.join(goal.owners) or 'none'}), so it never signs its own goal",
                    fix=f"add {body.owner_team} to `owners`",
                )
            )
    return issues
