"""Rules for glossary terms: ``unknown-metric`` (linked metrics exist), ``unknown-funnel``
and ``unknown-stage`` (linked ``funnel.stage`` references exist)."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.issues import Issue
from accord.definitions.metric import MetricDefinition
from accord.definitions.term import TermDefinition
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report term links to metrics, funnels and stages that do not exist."""
    metrics = catalog.names(MetricDefinition)
    funnels = {f.name: f.body.state_names for _, f in catalog.of_kind(FunnelDefinition)}
    issues: list[Issue] = []
    for entry, term in catalog.of_kind(TermDefinition):
        for i, name in enumerate(term.body.metrics):
            if name not in metrics:
                issues.append(
                    entry.issue(
                        ("body", "metrics", i),
                        code="unknown-metric",
                        message=f"linked metric {name!r} is not defined",
                        fix="define the metric, or correct the name",
                    )
                )
        for i, ref in enumerate(term.body.stages):
            funnel, stage = ref.split(".", 1)
            states = funnels.get(funnel)
            if states is None:
                issues.append(
                    entry.issue(
                        ("body", "stages", i),
                        code="unknown-funnel",
                        message=f"linked funnel {funnel!r} is not defined",
                        fix=f"use one of: {', '.join(sorted(funnels)) or '(none defined)'}",
                    )
                )
            elif stage not in states:
                issues.append(
                    entry.issue(
                        ("body", "stages", i),
                        code="unknown-stage",
                        message=f"{stage!r} is not a stage of funnel {funnel!r}",
                        fix=f"use one of: {', '.join(states)}",
                    )
                )
    return issues
