"""Frozen, labelled results of the funnel, SLA, feedback and forecast engines.

Every figure comes back as a :class:`Report`: a small Arrow table of aggregates, the
``kind`` of figure it holds (``"cohort"`` and ``"period"`` conversion are never mixed up),
the ``parameters`` it was computed with (so a caller can cite the definition name and
version those parameters came from), and :class:`Note` records for the edge cases met
on the way (a period with no MQLs, a stage nobody reached, events out of order, missing
reasons). Expected edge cases are notes, never exceptions (STYLE.md #4).

Examples
--------
>>> import pyarrow as pa
>>> r = Report(kind="period", table=pa.table({"stage": ["mql"], "entered": [3]}),
...            parameters=(("grain", "month"),), notes=(Note("no_entries", 1, "2024-02"),))
>>> r.param("grain"), r.note("no_entries").count, r.rows()[0]["entered"]
('month', 1, 3)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import pyarrow as pa

__all__ = [
    "Kind",
    "Note",
    "NoteCode",
    "ParamValue",
    "Parameters",
    "Report",
    "params",
    "to_table",
]

Kind = Literal[
    "stages",
    "cohort",
    "period",
    "timing",
    "side_exits",
    "velocity",
    "over_time",
    "handoffs",
    "compliance",
    "breaches",
    "marketing_sla",
    "acceptance",
    "reasons",
    "recycled",
    "lead_value",
    "forecast",
    "stage_probabilities",
]
"""What a report's table holds."""

NoteCode = Literal[
    "no_entries",
    "stage_not_reached",
    "out_of_order",
    "repeated_entry",
    "skipped_stage",
    "immature",
    "missing_reason",
    "unexpected_reason",
    "unexpected_from_stage",
    "no_closed_deals",
    "no_won_deals",
    "no_handoffs",
    "no_decisions",
    "rejected_again",
    "repeated_handoff",
    "decision_before_handoff",
    "clock_running",
    "missing_owner",
    "no_target",
    "period_not_started",
    "no_customers",
    "no_history",
    "sparse_stage",
    "no_bookings",
]
"""Reason codes of the edge cases a report can carry.

``no_entries``: a period (or group) where nobody entered the from-stage (rates are
null). ``stage_not_reached``: nobody in scope ever reached a stage. ``out_of_order``:
events of a stage that must follow another came before it (or without it) and were
ignored. ``repeated_entry``: entities with more than one event for a stage; only the
first counts. ``skipped_stage``: cohort members that reached a stage only through a later
one. ``immature``: cohort members whose N-day window had not ended by ``as_of`` (left out
of the within-N rate). ``missing_reason``: rejections or side exits without a reason code.
``unexpected_reason``: a reason code the funnel does not list. ``unexpected_from_stage``:
a side exit from a stage its rule does not list. ``no_closed_deals`` / ``no_won_deals``:
win rate / deal size / cycle undefined. ``no_handoffs``: nothing entered the hand-off
stage. ``no_decisions``: acceptance rate undefined. ``rejected_again``: an entity rejected
on more than one hand-off. ``repeated_handoff``: a hand-off event while the previous one
was still undecided (merged into it). ``decision_before_handoff``: decision events with no
hand-off before them (ignored). ``clock_running``: commitments not yet due at ``as_of``.
``missing_owner``: hand-offs without an owner (reported under ``(none)``). ``no_target``:
a marketing target is missing or zero. ``period_not_started``: pace undefined.
``no_customers``: revenue per customer undefined. ``no_history``: a stage probability
could not be learned. ``sparse_stage``: a stage probability learned from few deals.
``no_bookings``: a period with no actual bookings (its percentage error is undefined).
"""

Columns = tuple[tuple[str, pa.DataType], ...]


def to_table(rows: list[dict[str, Any]], columns: Columns) -> pa.Table:
    """Rows as an Arrow table with a fixed schema (so an empty report keeps its columns)."""
    schema = pa.schema(list(columns))
    return pa.Table.from_pylist([{k: r.get(k) for k, _ in columns} for r in rows], schema=schema)


ParamValue = str | int | float | bool | None | tuple[str, ...] | tuple[float, ...]
Parameters = tuple[tuple[str, ParamValue], ...]


def params(values: Mapping[str, object]) -> Parameters:
    """Freeze keyword parameters into a sorted, hashable record.

    Datetimes become ISO strings, sequences tuples; ``None`` is kept.

    Examples
    --------
    >>> params({"grain": "month", "stages": ["mql", "sal"], "as_of": dt.datetime(2024, 1, 2)})
    (('as_of', '2024-01-02T00:00:00'), ('grain', 'month'), ('stages', ('mql', 'sal')))
    """
    out: list[tuple[str, ParamValue]] = []
    for key in sorted(values):
        out.append((key, _freeze(values[key])))
    return tuple(out)


def _freeze(value: object) -> ParamValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Iterable):
        items = tuple(value)
        if all(isinstance(i, int | float) and not isinstance(i, bool) for i in items) and items:
            return tuple(float(i) for i in items)
        return tuple(str(i) for i in items)
    return str(value)


@dataclass(frozen=True, slots=True)
class Note:
    """An edge case met while computing a report.

    Parameters
    ----------
    code
        One of :data:`NoteCode`.
    count
        How many rows, entities or periods it concerns.
    detail
        A short human-readable detail (which stage, which periods).
    """

    code: NoteCode
    count: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A labelled table of aggregates.

    Parameters
    ----------
    kind
        What the table holds (:data:`Kind`).
    table
        The figures, one row per period / group / stage (pair).
    parameters
        The parameters they were computed with, as sorted ``(name, value)`` pairs; a
        caller adds the definition name and version with :meth:`cite`.
    notes
        Edge cases met, each with a reason code and a count.
    """

    kind: Kind
    table: pa.Table
    parameters: Parameters = ()
    notes: tuple[Note, ...] = ()

    def param(self, name: str) -> ParamValue:
        """The value of parameter *name* (``KeyError`` if absent)."""
        for key, value in self.parameters:
            if key == name:
                return value
        raise KeyError(name)

    def note(self, code: NoteCode) -> Note | None:
        """The note with *code*, or ``None``."""
        return next((n for n in self.notes if n.code == code), None)

    def rows(self) -> list[dict[str, Any]]:
        """The table as a list of dicts (for JSON output and tests)."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame."""
        return self.table.to_pandas()

    def cite(self, **definitions: str) -> Report:
        """A copy whose parameters also name the definitions in force, e.g.
        ``report.cite(funnel="b2b_funnel@3", sla="mql_handoff_sla@2")``."""
        extra = tuple((f"definition.{k}", v) for k, v in sorted(definitions.items()))
        return replace(self, parameters=tuple(sorted(self.parameters + extra)))
