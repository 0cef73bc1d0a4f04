"""Metric results that cite the definitions they used, by construction.

A :class:`MetricResult` can only be built from a compiled metric *and* a citation for
every definition the compiled expression uses (:attr:`CompiledMetric.uses`): name,
version, content hash and who signed it. A number without its definitions' versions
cannot exist.

Examples
--------
>>> from datetime import date, datetime
>>> cite = Citation(name="mqls", kind="metric", version=3, content_hash="sha256:ab",
...                 signatories=(Signatory("marketing", "ana", datetime(2025, 1, 2)),
...                              Signatory("sales", "bo", datetime(2025, 1, 3))))
>>> str(cite)
'mqls v3 (signed by marketing: ana, sales: bo)'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from accord.definitions.compile import CompiledMetric
from accord.definitions.envelope import Kind
from accord.definitions.measures import Grain

__all__ = ["Citation", "MetricResult", "MetricValue", "Signatory"]


@dataclass(frozen=True, slots=True)
class Signatory:
    """A team's signature on a version: which team, which person, when."""

    team: str
    user: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class Citation:
    """The version of a definition a number used."""

    name: str
    kind: Kind
    version: int
    content_hash: str
    signatories: tuple[Signatory, ...]

    def __str__(self) -> str:
        signed = ", ".join(f"{s.team}: {s.user}" for s in self.signatories) or "nobody"
        return f"{self.name} v{self.version} (signed by {signed})"

    def to_json(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "name": self.name,
            "kind": self.kind,
            "version": self.version,
            "content_hash": self.content_hash,
            "signed_by": [
                {"team": s.team, "user": s.user, "at": s.signed_at.isoformat()}
                for s in self.signatories
            ],
        }


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One row of a metric result: the period (``None`` without a grain), the dimension
    values, and the value (``None`` when undefined, e.g. a ratio over zero)."""

    period: date | None
    dimensions: tuple[tuple[str, Any], ...]
    value: float | None


def _as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if to_pydatetime is not None:
        converted: datetime = to_pydatetime()
        return converted.date()
    raise TypeError(f"not a date: {value!r}")


def _as_value(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _as_dimension(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)  # numpy scalars
    return item() if callable(item) else value


@dataclass(frozen=True, slots=True)
class MetricResult:
    """A computed metric with the versions of every definition it used.

    Build it with :meth:`from_rows`, which refuses to build a result whose citations do
    not cover every definition the computation used.
    """

    metric: Citation
    inputs: tuple[Citation, ...]
    grain: Grain | None
    by: tuple[str, ...]
    start: date | None
    end: date | None
    values: tuple[MetricValue, ...]

    @classmethod
    def from_rows(
        cls,
        compiled: CompiledMetric,
        rows: Iterable[Mapping[str, Any]],
        citations: Mapping[str, Citation],
    ) -> MetricResult:
        """Wrap executed rows (e.g. ``expr.execute().to_dict("records")``) with citations.

        Raises
        ------
        ValueError
            A definition the metric used has no citation, or a citation names another
            definition than the one it is filed under.
        """
        missing = [n for n in compiled.uses if n not in citations]
        if missing:
            raise ValueError(f"{compiled.metric} used {', '.join(missing)} without a citation")
        for name in compiled.uses:
            if citations[name].name != name:
                raise ValueError(f"citation for {name} is for {citations[name].name}")
        values = tuple(
            MetricValue(
                period=_as_date(row["period"]) if compiled.grain is not None else None,
                dimensions=tuple((d, _as_dimension(row[d])) for d in compiled.by),
                value=_as_value(row["value"]),
            )
            for row in rows
        )
        return cls(
            metric=citations[compiled.metric],
            inputs=tuple(citations[n] for n in compiled.uses if n != compiled.metric),
            grain=compiled.grain,
            by=compiled.by,
            start=compiled.start,
            end=compiled.end,
            values=values,
        )

    def to_json(self) -> dict[str, Any]:
        """``{"metric", "version", ..., "uses", "rows"}`` for ``accord metric --format json``."""
        return {
            "metric": self.metric.name,
            "version": self.metric.version,
            "content_hash": self.metric.content_hash,
            "signed_by": self.metric.to_json()["signed_by"],
            "uses": [c.to_json() for c in self.inputs],
            "grain": self.grain,
            "by": list(self.by),
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "rows": [
                {
                    **({"period": v.period.isoformat()} if v.period is not None else {}),
                    **dict(v.dimensions),
                    "value": v.value,
                }
                for v in self.values
            ],
        }
