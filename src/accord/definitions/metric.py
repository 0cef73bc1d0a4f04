"""The ``metric`` definition: a number every owning team agrees how to compute.

Examples
--------
>>> m = MetricDefinition.model_validate({
...     "kind": "metric", "name": "mqls", "owners": ["marketing", "sales"],
...     "body": {
...         "measure": {"agg": "count_distinct", "table": "lifecycle_events",
...                     "column": "contact_id",
...                     "filters": [{"column": "stage", "value": "mql"}]},
...         "dimensions": {"team": "team"},
...         "direction": "higher", "unit": "count"}})
>>> m.body.measure.agg, m.body.dimension("team")
('count_distinct', 'team')
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from accord.definitions.envelope import DefinitionBase, FrozenModel, Name, NameMap
from accord.definitions.expression import references
from accord.definitions.measures import (
    Constant,
    Derived,
    Grain,
    Measure,
    Ratio,
)

__all__ = ["Engine", "MetricBody", "MetricDefinition", "Unit"]

Engine = Literal["compiler", "clv", "attribution"]
"""Who computes the metric: the metric compiler, or an analytics engine (``accord.engines``)."""

Unit = Literal[
    "count",
    "currency",
    "currency_per_day",
    "ratio",
    "multiple",
    "score",
    "hours",
    "days",
    "months",
]
"""``ratio`` is a fraction (0.25, shown as 25 %); ``multiple`` a quotient like LTV:CAC (3.0x)."""


class MetricBody(FrozenModel):
    """The body of a ``metric`` definition.

    Parameters
    ----------
    measure
        What is aggregated (:mod:`accord.definitions.measures`); required when the
        compiler computes the metric, absent when an engine does.
    engine
        ``compiler`` (default) or the engine that computes it (``clv``, ``attribution``).
    dimensions
        Names a reader can break the metric down by, each a column path from the measure's
        table (``segment: account_id.segment``). Ratio and derived metrics get the
        dimensions all their inputs share and declare none themselves.
    grain
        The finest time grain the metric is meaningful at. A ratio or derived metric over
        inputs of different grains must declare the coarsest of them.
    direction
        Whether a higher or a lower value is better.
    unit
        The unit of the value; ``format`` is a Python format spec (``",.0f"``, ``".1%"``).
    non_additive_with
        Metrics this one must never be added to (they count overlapping things, e.g.
        sourced and influenced pipeline); a derived metric that adds them is an error.
    """

    measure: Measure | None = None
    engine: Engine = "compiler"
    dimensions: NameMap = ()
    grain: Grain = "day"
    direction: Literal["higher", "lower"]
    unit: Unit
    format: str | None = None
    non_additive_with: tuple[Name, ...] = ()

    @field_validator("format")
    @classmethod
    def _format_spec(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                format(1.5, value)
            except ValueError as e:
                raise ValueError(f"not a Python format spec for numbers: {e}") from e
        return value

    @field_validator("non_additive_with")
    @classmethod
    def _sorted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _measure_fits_engine(self) -> MetricBody:
        if self.engine == "compiler" and self.measure is None:
            raise ValueError("a metric computed by the compiler needs a measure")
        if self.engine != "compiler" and self.measure is not None:
            raise ValueError(f"a metric computed by the {self.engine} engine takes no measure")
        reserved = {"period", "value"} & {d for d, _ in self.dimensions}
        if reserved:
            raise ValueError(f"dimension names {sorted(reserved)} are reserved for result columns")
        if isinstance(self.measure, Ratio | Derived | Constant) and self.dimensions:
            raise ValueError(
                f"a {self.measure.agg} metric takes no dimensions: it has those its inputs share"
            )
        return self

    @property
    def inputs(self) -> tuple[str, ...]:
        """Metrics this one is computed from (ratio and derived metrics), sorted."""
        match self.measure:
            case Ratio(numerator=num, denominator=den):
                return tuple(sorted({num, den}))
            case Derived() as derived:
                return tuple(sorted(references(derived.tree)))
            case _:
                return ()

    def dimension(self, name: str) -> str | None:
        """The column path of dimension *name* (``None`` if not declared here)."""
        return dict(self.dimensions).get(name)


class MetricDefinition(DefinitionBase):
    """A metric: envelope + :class:`MetricBody`."""

    kind: Literal["metric"] = "metric"
    body: MetricBody
