"""The metric dependency graph: inputs, cycles, and what a metric inherits from its inputs.

Ratio and derived metrics depend on other metrics. From the graph follow: whether there is
a cycle, which dimensions a composite metric can be broken down by (those *all* its inputs
have), the finest grain it can be computed at (the coarsest of its inputs'), and which
metrics a number computed from it uses (so that it can cite them all). Every function
tolerates unknown names and cycles (the validator reports those).

Examples
--------
>>> from accord.definitions.specs import parse_definition
>>> def metric(name, measure, dims=None):
...     return parse_definition({"kind": "metric", "name": name, "body": {
...         "measure": measure, "dimensions": dims or {}, "direction": "higher",
...         "unit": "count"}})
>>> ms = {m.name: m for m in [
...     metric("a", {"agg": "count", "table": "opportunities"}, {"rep": "owner_id"}),
...     metric("b", {"agg": "count", "table": "opportunities"}, {"rep": "owner_id",
...                                                              "region": "account_id.country"}),
...     metric("r", {"agg": "ratio", "numerator": "a", "denominator": "b"})]}
>>> available_dimensions("r", ms), uses("r", ms)
({'rep': None}, ('a', 'b', 'r'))
"""

from __future__ import annotations

from collections.abc import Mapping

from accord.definitions.expression import BinOp, Neg, Node, Num, Ref
from accord.definitions.measures import GRAINS, Constant, Derived, Grain
from accord.definitions.metric import MetricDefinition

__all__ = [
    "available_dimensions",
    "coarsest",
    "cycles",
    "effective_grain",
    "expanded_references",
    "uses",
]

Metrics = Mapping[str, MetricDefinition]


def coarsest(grains: list[Grain | None]) -> Grain | None:
    """The coarsest of *grains* (``None`` entries, timeless inputs, are ignored)."""
    known = [g for g in grains if g is not None]
    return max(known, key=GRAINS.index) if known else None


def cycles(metrics: Metrics) -> list[list[str]]:
    """Every elementary cycle's members as found by depth-first search, one list per cycle
    (each cycle reported once, starting at its smallest name)."""
    found: set[tuple[str, ...]] = set()

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            cycle = stack[stack.index(name) :]
            i = cycle.index(min(cycle))
            found.add(tuple(cycle[i:] + cycle[:i]))
            return
        metric = metrics.get(name)
        if metric is None:
            return
        for dep in metric.body.inputs:
            visit(dep, [*stack, name])

    for name in sorted(metrics):
        visit(name, [])
    return [list(c) for c in sorted(found)]


def uses(name: str, metrics: Metrics) -> tuple[str, ...]:
    """*name* and every metric it depends on, transitively, sorted."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        metric = metrics.get(current)
        if metric is not None:
            todo.extend(metric.body.inputs)
    return tuple(sorted(seen))


def available_dimensions(
    name: str, metrics: Metrics, _visiting: frozenset[str] = frozenset()
) -> dict[str, str | None]:
    """Dimensions *name* can be broken down by: its own (name → column path) for a metric
    over a table; for a composite, the names all table-backed inputs share (path ``None``:
    each input resolves it on its own table). Flat constants do not restrict."""
    metric = metrics.get(name)
    if metric is None or name in _visiting:
        return {}
    measure = metric.body.measure
    if isinstance(measure, Constant):
        return {}
    if not metric.body.inputs:
        return dict(metric.body.dimensions)
    shared: set[str] | None = None
    for dep in metric.body.inputs:
        dep_metric = metrics.get(dep)
        if dep_metric is not None and isinstance(dep_metric.body.measure, Constant):
            continue
        dims = set(available_dimensions(dep, metrics, _visiting | {name}))
        shared = dims if shared is None else shared & dims
    return dict.fromkeys(sorted(shared or ()), None)


def effective_grain(
    name: str, metrics: Metrics, _visiting: frozenset[str] = frozenset()
) -> Grain | None:
    """The finest grain *name* can be computed at: its declared grain, made coarser by a
    monthly constant (month) or by its inputs; ``None`` for a flat constant."""
    metric = metrics.get(name)
    if metric is None or name in _visiting:
        return None
    measure = metric.body.measure
    if isinstance(measure, Constant):
        return None if measure.per is None else coarsest([metric.body.grain, "month"])
    grains: list[Grain | None] = [metric.body.grain]
    grains += [effective_grain(dep, metrics, _visiting | {name}) for dep in metric.body.inputs]
    return coarsest(grains)


def expanded_references(
    node: Node, metrics: Metrics, _visiting: frozenset[str] = frozenset()
) -> frozenset[str]:
    """Metrics referenced by *node*, looking through derived metrics to the metrics they
    are built from (so an alias of a metric counts as that metric)."""
    match node:
        case Num():
            return frozenset()
        case Ref(name):
            metric = metrics.get(name)
            if (
                metric is not None
                and isinstance(metric.body.measure, Derived)
                and name not in _visiting
            ):
                inner = expanded_references(metric.body.measure.tree, metrics, _visiting | {name})
                return frozenset({name}) | inner
            return frozenset({name})
        case Neg(operand):
            return expanded_references(operand, metrics, _visiting)
        case BinOp(_, left, right):
            return expanded_references(left, metrics, _visiting) | expanded_references(
                right, metrics, _visiting
            )
