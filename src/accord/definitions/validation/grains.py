"""Rule ``grain-mismatch``: a ratio or derived metric is not declared finer than its
inputs allow.

A metric's grain is the finest period it is meaningful at (``day`` by default; a monthly
cost parameter is ``month``). A ratio of metrics at different grains, or of inputs whose
time columns only support a coarser grain, can only be computed at the coarsest of them,
so the composite must declare that grain (and then refuses finer queries).
"""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.graph import effective_grain
from accord.definitions.issues import Issue
from accord.definitions.measures import GRAINS
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import metric_entries

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report composites declared at a finer grain than their coarsest input."""
    metrics = catalog.metrics()
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        inputs = [n for n in metric.body.inputs if n in metrics]
        grains = {n: effective_grain(n, metrics) for n in inputs}
        known = {n: g for n, g in grains.items() if g is not None}
        if not known:
            continue
        coarsest = max(known.values(), key=GRAINS.index)
        if GRAINS.index(metric.body.grain) < GRAINS.index(coarsest):
            listed = ", ".join(f"{n} ({g})" for n, g in sorted(known.items()))
            issues.append(
                entry.issue(
                    ("body", "grain") if ("body", "grain") in entry.source.lines else ("body",),
                    code="grain-mismatch",
                    message=(
                        f"{metric.name} is declared at grain {metric.body.grain} but its "
                        f"inputs are at different grains: {listed}"
                    ),
                    fix=f"declare `grain: {coarsest}` on {metric.name}",
                )
            )
    return issues
