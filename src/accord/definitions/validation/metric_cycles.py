"""Rule ``circular-reference`` (metrics): no metric depends on itself through ratio or
derived inputs. Each metric on a cycle is reported, with the cycle."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.graph import cycles
from accord.definitions.issues import Issue
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report every metric that lies on a dependency cycle."""
    issues: list[Issue] = []
    for cycle in cycles(catalog.metrics()):
        text = " -> ".join([*cycle, cycle[0]])
        for name in cycle:
            entry = catalog.get(name)
            assert entry is not None
            issues.append(
                entry.issue(
                    ("body", "measure"),
                    code="circular-reference",
                    message=f"metrics depend on each other in a circle: {text}",
                    fix="define one of them directly over a table",
                )
            )
    return issues
