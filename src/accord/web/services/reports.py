"""Capability pages as named tables: one shape for the Funnel & SLA, Credit, Economics
and Accounts pages and their REST twins.

A workspace service returns engine reports (Arrow tables, pandas frames, dataclasses).
:class:`View` holds what one page shows: named :class:`Table` s (each a list of plain
rows, downloadable as CSV and served page by page under ``/api/v1/<page>/<table>``), the
definition versions every figure used, notes, and, when the service cannot compute
(no definition in force, nothing loaded), the *problem* with its hint instead of figures.

Examples
--------
>>> import pyarrow as pa
>>> t = table_of("stages", "Stage counts", pa.table({"stage": ["mql"], "entered": [3]}))
>>> t.columns, t.rows
(('stage', 'entered'), ({'stage': 'mql', 'entered': 3},))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from accord.definitions.results import Citation
from accord.errors import AccordError, NotFound

__all__ = ["Problem", "Table", "View", "attempt", "clean", "merge", "table_of"]


def clean(value: Any) -> Any:
    """A cell fit for JSON: NaN and infinities become ``None``, tuples lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool | date | datetime) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return clean(value.item())
    return str(value)


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a page: its URL name, title, columns and rows (plain values)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """How many rows."""
        return len(self.rows)

    def first(self, predicate: Callable[[dict[str, Any]], bool]) -> Table:
        """The same rows, those matching *predicate* first (stable otherwise)."""
        mine = [r for r in self.rows if predicate(r)]
        rest = [r for r in self.rows if not predicate(r)]
        return replace(self, rows=tuple(mine + rest))


def table_of(
    name: str,
    title: str,
    data: pa.Table | Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] = (),
    notes: Iterable[str] = (),
) -> Table:
    """A :class:`Table` from an Arrow table or a list of row mappings."""
    if isinstance(data, pa.Table):
        rows = data.to_pylist()
        cols = tuple(columns) or tuple(data.column_names)
    else:
        rows = [dict(r) for r in data]
        cols = tuple(columns) or (tuple(rows[0]) if rows else ())
    return Table(
        name=name,
        title=title,
        columns=cols,
        rows=tuple({c: clean(r.get(c)) for c in cols} for r in rows),
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a page (or part of it) has no figures, and how to fix that."""

    message: str
    hint: str | None = None

    @classmethod
    def of(cls, error: AccordError) -> Problem:
        """From a service's error."""
        return cls(error.message, error.hint)


@dataclass(frozen=True, slots=True)
class View:
    """What one capability page shows."""

    tables: tuple[Table, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        """The table called *name*.

        Raises
        ------
        NotFound
            The page has no such table (its service could not compute it).
        """
        for t in self.tables:
            if t.name == name:
                return t
        why = "; ".join(p.message for p in self.problems)
        raise NotFound(
            f"No table {name!r} here{': ' + why if why else ''}.",
            hint=f"Tables: {', '.join(t.name for t in self.tables) or 'none'}.",
        )

    def get(self, name: str) -> Table | None:
        """The table called *name*, or ``None``."""
        return next((t for t in self.tables if t.name == name), None)


def attempt(compute: Callable[[], View]) -> View:
    """*compute*'s view, or a view stating why it failed (a definition not in force,
    nothing loaded, a bad input): the page shows the reason and its hint."""
    try:
        return compute()
    except AccordError as exc:
        return View(problems=(Problem.of(exc),))


def merge(*views: View) -> View:
    """Views side by side (tables, citations without repeats, notes, problems)."""
    seen: dict[tuple[str, int], Citation] = {}
    for v in views:
        for c in v.citations:
            seen.setdefault((c.name, c.version), c)
    return View(
        tables=tuple(t for v in views for t in v.tables),
        citations=tuple(seen.values()),
        notes=tuple(n for v in views for n in v.notes),
        problems=tuple(p for v in views for p in v.problems),
        parameters=tuple(p for v in views for p in v.parameters),
        extra={k: x for v in views for k, x in v.extra.items()},
    )
