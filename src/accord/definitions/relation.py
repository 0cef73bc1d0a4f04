"""Build the Ibis relation a measure aggregates: follow references, filter, place in time.

These helpers are pure: Ibis tables in, Ibis expressions out. A column path
(``contact_id.account_id.segment``) becomes left joins along the declared references
(:mod:`accord.definitions.semantic`), each matching the target's id *and* source system;
references are many-to-one, so the joins never multiply rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import assert_never

import ibis
import ibis.expr.types as ir

from accord.definitions.measures import Duration, Filter, Grain
from accord.definitions.semantic import Hop, PathError, is_id_column, resolve_path
from accord.errors import InputError

__all__ = ["Joined", "duration", "period", "predicate", "time_range", "value_column"]

_TRUNC_UNIT: Mapping[Grain, str] = {
    "day": "D",
    "week": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
}
_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class Joined:
    """A base table with the references needed to read a set of column paths.

    Parameters
    ----------
    table
        Canonical name of the base table.
    tables
        Ibis tables by canonical name.
    paths
        Every column path that will be read.
    """

    def __init__(self, table: str, tables: Mapping[str, ir.Table], paths: Sequence[str]) -> None:
        self.table_name = table
        rel = _table(tables, table)
        resolved = {}
        for path in dict.fromkeys(paths):
            r = resolve_path(table, path)
            if isinstance(r, PathError):
                raise InputError(
                    f"column path {path!r} of {table} does not resolve ({r.kind}: "
                    f"{r.table}.{r.column})",
                    hint="run `accord definitions validate` to see every issue",
                )
            resolved[path] = r
        # Every prefix of hops becomes one joined table, aliased j0, j1, ... in path order.
        prefixes: dict[tuple[Hop, ...], str] = {}
        for r in resolved.values():
            for n in range(1, len(r.hops) + 1):
                prefixes.setdefault(r.hops[:n], f"__j{len(prefixes)}")
        needed: dict[tuple[Hop, ...], set[str]] = {p: set() for p in prefixes}
        for r in resolved.values():
            if r.hops:
                needed[r.hops].add(r.column)
        for prefix in prefixes:
            if len(prefix) > 1:
                needed[prefix[:-1]].add(prefix[-1].column)
        for prefix in sorted(prefixes, key=len):
            hop, alias = prefix[-1], prefixes[prefix]
            right_table = _table(tables, hop.target)
            cols = {f"{alias}_{c}": right_table[c] for c in sorted(needed[prefix])}
            cols[f"{alias}__id"] = right_table[hop.target_column]
            cols[f"{alias}__ss"] = right_table["source_system"]
            right = right_table.select(**cols)
            if len(prefix) == 1:
                fk, ss = rel[hop.column], rel["source_system"]
            else:
                parent = prefixes[prefix[:-1]]
                fk, ss = rel[f"{parent}_{hop.column}"], rel[f"{parent}__ss"]
            rel = rel.left_join(right, [fk == right[f"{alias}__id"], ss == right[f"{alias}__ss"]])
        self.rel: ir.Table = rel
        self._names = {
            path: (f"{prefixes[r.hops]}_{r.column}" if r.hops else r.column)
            for path, r in resolved.items()
        }
        self._systems = {
            path: (f"{prefixes[r.hops]}__ss" if r.hops else "source_system")
            for path, r in resolved.items()
        }
        self._resolved = resolved

    def name(self, path: str) -> str:
        """The name, on :attr:`rel` and on any filter of it, of the column a path reads."""
        return self._names[path]

    def entity_key(self, rel: ir.Table, path: str) -> ir.StringValue | ir.Column:
        """What identifies the value a path reads across source systems, on *rel*.

        An id (the table's id column or a reference) means something only inside its
        source system, so it is keyed ``source_system:id``; other values are themselves.
        """
        resolved = self._resolved[path]
        column = rel[self._names[path]]
        if not is_id_column(resolved.table, resolved.column):
            return column
        system: ir.StringValue = rel[self._systems[path]]
        return system + ":" + column.cast("string")

    def column(self, path: str) -> ir.Column:
        """The column a path reads, on :attr:`rel`."""
        return self.rel[self._names[path]]


def _table(tables: Mapping[str, ir.Table], name: str) -> ir.Table:
    try:
        return tables[name]
    except KeyError:
        raise InputError(
            f"table {name!r} is needed but was not given",
            hint="load it into the warehouse (accord load) or pass it to the compiler",
        ) from None


def predicate(column: ir.Column, f: Filter) -> ir.BooleanValue:
    """The boolean expression of one filter."""
    value = f.value
    match f.op:
        case "is_null":
            return column.isnull()
        case "not_null":
            return column.notnull()
        case "in" | "not_in":
            assert isinstance(value, tuple)
            inside = column.isin(list(value))
            return inside if f.op == "in" else ~inside
        case _:
            assert value is not None
            assert not isinstance(value, tuple)
            literal = ibis.literal(value)
            if column.type().is_temporal():
                literal = literal.cast(column.type())
            match f.op:
                case "eq":
                    return column == literal
                case "ne":
                    return column != literal
                case "gt":
                    return column > literal
                case "gte":
                    return column >= literal
                case "lt":
                    return column < literal
                case "lte":
                    return column <= literal
                case _:
                    assert_never(f.op)


def time_range(column: ir.Column, start: date | None, end: date | None) -> list[ir.BooleanValue]:
    """Predicates keeping ``start <= column < end`` (either bound optional)."""

    def bound(d: date) -> ir.Value:
        if column.type().is_date():
            return ibis.date(d)
        return ibis.timestamp(datetime(d.year, d.month, d.day))

    preds = []
    if start is not None:
        preds.append(column >= bound(start))
    if end is not None:
        preds.append(column < bound(end))
    return preds


def period(column: ir.Column, grain: Grain) -> ir.DateValue:
    """The first day of the *grain* period *column* falls in (weeks start on Monday).

    Dates are truncated as timestamps and cast back, so the result is a ``date`` on every
    backend (PostgreSQL's ``date_trunc`` returns a timestamp even for a date).
    """
    if column.type().is_date():
        column = column.cast("timestamp")
    truncated: ir.Value = column.truncate(_TRUNC_UNIT[grain])
    return truncated.cast("date")


def _epoch(column: ir.Column) -> ir.IntegerValue:
    if column.type().is_date():
        column = column.cast("timestamp")
    return column.epoch_seconds()


def duration(start: ir.Column, end: ir.Column, unit: str) -> ir.FloatingValue:
    """``end - start`` in *unit* (seconds, minutes, hours or days), as a float."""
    seconds = (_epoch(end) - _epoch(start)).cast("float64")
    return seconds / _SECONDS[unit]


def value_column(rel: ir.Table, joined: Joined, column: str | Duration) -> ir.Column:
    """The column (or duration of two columns) a measure aggregates, on *rel* (:attr:`Joined.rel`
    or a filter of it)."""
    if isinstance(column, Duration):
        start, end = rel[joined.name(column.start)], rel[joined.name(column.end)]
        return duration(start, end, column.unit)
    return rel[joined.name(column)]
