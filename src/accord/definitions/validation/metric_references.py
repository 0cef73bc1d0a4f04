"""Rule ``unknown-metric`` (metrics): ratio and derived metrics are built from metrics that
exist, and ``non_additive_with`` names metrics that exist."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.expression import references
from accord.definitions.issues import Issue
from accord.definitions.measures import Derived, Ratio
from accord.definitions.metric import MetricDefinition
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import metric_entries

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report references to metrics that are not defined."""
    metrics = catalog.names(MetricDefinition)
    issues: list[Issue] = []

    def unknown(name: str) -> str:
        kind = catalog.get(name)
        return f" (it is a {kind.definition.kind})" if kind is not None else ""

    for entry, metric in metric_entries(catalog):
        m = metric.body.measure
        refs: list[tuple[tuple[str | int, ...], str]] = []
        if isinstance(m, Ratio):
            refs = [(("body", "measure", "numerator"), m.numerator)]
            refs.append((("body", "measure", "denominator"), m.denominator))
        elif isinstance(m, Derived):
            refs = [(("body", "measure", "expr"), n) for n in sorted(references(m.tree))]
        refs += [
            (entry.source.item(("body", "non_additive_with"), n), n)
            for n in metric.body.non_additive_with
        ]
        for path, name in refs:
            if name not in metrics:
                issues.append(
                    entry.issue(
                        path,
                        code="unknown-metric",
                        message=f"metric {name!r} is not defined{unknown(name)}",
                        fix="define it, or correct the name",
                    )
                )
    return issues
