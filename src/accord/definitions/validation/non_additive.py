"""Rule ``non-additive-sum``: a derived metric never adds (or subtracts) two metrics declared
``non_additive_with`` each other, directly or through other derived metrics.

Marketing-sourced and marketing-influenced pipeline overlap (a sourced opportunity is also
influenced), so their sum double-counts; the starter pack declares them non-additive.
"""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.expression import BinOp, Neg, Node, Num, Ref
from accord.definitions.graph import expanded_references
from accord.definitions.issues import Issue
from accord.definitions.measures import Derived
from accord.definitions.metric import MetricDefinition
from accord.definitions.validation.context import Context
from accord.definitions.validation.walk import metric_entries

__all__ = ["check"]


def _sums(node: Node) -> list[BinOp]:
    match node:
        case BinOp(op, left, right):
            own = [node] if op in ("+", "-") else []
            return own + _sums(left) + _sums(right)
        case Neg(operand):
            return _sums(operand)
        case Num() | Ref():
            return []


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report derived metrics that add non-additive metrics."""
    metrics: dict[str, MetricDefinition] = catalog.metrics()
    forbidden: set[tuple[str, str]] = set()
    for name, metric in metrics.items():
        for other in metric.body.non_additive_with:
            forbidden.add((min(name, other), max(name, other)))
    issues: list[Issue] = []
    for entry, metric in metric_entries(catalog):
        measure = metric.body.measure
        if not isinstance(measure, Derived):
            continue
        found: set[tuple[str, str]] = set()
        for node in _sums(measure.tree):
            left = expanded_references(node.left, metrics)
            right = expanded_references(node.right, metrics)
            found |= {(min(a, b), max(a, b)) for a in left for b in right} & forbidden
        for a, b in sorted(found):
            issues.append(
                entry.issue(
                    ("body", "measure", "expr"),
                    code="non-additive-sum",
                    message=f"{metric.name} adds {a} and {b}, which must never be summed "
                    "(they count overlapping things)",
                    fix=f"report {a} and {b} side by side instead of adding them",
                )
            )
    return issues
