"""The relation behind a ``time_to_event`` measure: each start event with the time to the
first end event of the same entity at or after it (e.g. MQL → first sales activity).

Start events without an end event are left out; every start event counts (a lead that
becomes an MQL twice starts the clock twice). End events are not bounded by the query's
date range: a touch after the range still answers an MQL inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import ibis.expr.types as ir

from accord.data.schema import TABLES
from accord.definitions.measures import EventSet, TimeToEvent
from accord.definitions.relation import Joined, duration, predicate, time_range
from accord.errors import InputError

__all__ = ["time_to_event_relation"]


def _events(
    events: EventSet,
    tables: Mapping[str, ir.Table],
    entity: str,
    dims: Mapping[str, str],
    start: date | None,
    end: date | None,
) -> tuple[ir.Table, Joined, str]:
    joined = Joined(
        events.table, tables, [f.column for f in events.filters] + [entity, *dims.values()]
    )
    time = events.time or TABLES[events.table].time_column
    if time is None:
        raise InputError(f"table {events.table!r} has no time column", hint="declare `time:`")
    rel = joined.rel
    preds = [predicate(rel[joined.name(f.column)], f) for f in events.filters]
    preds += [rel[time].notnull(), *time_range(rel[time], start, end)]
    return (rel.filter(*preds) if preds else rel), joined, time


def time_to_event_relation(
    measure: TimeToEvent,
    tables: Mapping[str, ir.Table],
    *,
    dims: Mapping[str, str],
    start: date | None,
    end: date | None,
) -> ir.Table:
    """One row per start event that has an end event.

    Columns: ``__start`` (start time), ``__duration`` (in ``measure.unit``) and
    ``__d_<dim>`` for each dimension in *dims* (name → column path on the start table).
    """
    s, sj, s_time = _events(measure.start, tables, measure.entity, dims, start, end)
    starts = s.select(
        __sid=s["source_id"],
        __ss=s["source_system"],
        __entity=s[sj.name(measure.entity)],
        __start=s[s_time],
        **{f"__d_{d}": s[sj.name(p)] for d, p in dims.items()},
    )
    e, ej, e_time = _events(measure.end, tables, measure.entity, {}, None, None)
    ends = e.select(
        __e_entity=e[ej.name(measure.entity)], __e_ss=e["source_system"], __end=e[e_time]
    )
    pairs = starts.inner_join(
        ends,
        [
            starts["__entity"] == ends["__e_entity"],
            starts["__ss"] == ends["__e_ss"],
            ends["__end"] >= starts["__start"],
        ],
    )
    keys = ["__ss", "__sid", "__start", *(f"__d_{d}" for d in dims)]
    first = pairs.group_by(keys).aggregate(__first=pairs["__end"].min())
    return first.mutate(__duration=duration(first["__start"], first["__first"], measure.unit))
