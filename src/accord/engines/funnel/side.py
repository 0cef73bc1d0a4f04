"""Side exits: leads recycled, disqualified, deals lost, customers churned, with reasons.

Every side-state event in the window is one exit (a lead recycled twice exits twice;
``entities`` counts each entity once). Its **from-stage** is the furthest funnel stage
the entity had entered at or before the exit (first entries, :mod:`.stages`), so a
lead recycled from SAL is told apart from one recycled straight from MQL. A missing
reason is reported as ``(missing)`` with a ``missing_reason`` note; exits from a stage
the side state's rule does not list, and reasons the funnel does not list, are kept and
noted.

Examples
--------
>>> import ibis
>>> from accord.engines.funnel.stages import funnel_entries, stage_rules
>>> ev = ibis.memtable({"pid": ["a", "a", "b", "b"], "stage": ["mql", "recycled"] * 2,
...                     "ts": [dt.datetime(2024, 1, d) for d in (1, 2, 3, 4)],
...                     "reason": [None, "no_budget", None, None]})
>>> fe = funnel_entries(ev, stages=stage_rules(["mql", "sal"]), entity_col="pid")
>>> r = side_exits(ev, fe, side_states=(SideRule("recycled", from_stages=("mql",)),),
...                start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 1), entity_col="pid")
>>> sorted((x["reason"], x["exits"]) for x in r.rows()), r.note("missing_reason").count
([('(missing)', 1), ('no_budget', 1)], 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from accord.engines.funnel.periods import to_local
from accord.engines.funnel.result import Columns, Note, Report, params, to_table
from accord.engines.funnel.scope import Window, group_key
from accord.engines.funnel.stages import FunnelEntries

__all__ = ["MISSING_REASON", "SideRule", "side_exits"]

MISSING_REASON = "(missing)"
BEFORE_FUNNEL = "(before funnel)"
SIDE_COLUMNS: Columns = (
    ("group", pa.string()), ("side_state", pa.string()), ("from_stage", pa.string()),
    ("reason", pa.string()), ("exits", pa.int64()), ("entities", pa.int64()),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SideRule:
    """A side state: entered by any of ``events`` (default ``(name,)``), expected only
    from ``from_stages`` (empty: from anywhere)."""

    name: str
    events: tuple[str, ...] = ()
    from_stages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.events:
            object.__setattr__(self, "events", (self.name,))


def _from_stage(t: ir.Table, stages: Sequence[str]) -> ir.StringValue:
    out: ir.StringValue = ibis.literal(BEFORE_FUNNEL)
    for s in stages:  # later stages override earlier ones
        out = ibis.ifelse(t[s].notnull() & (t[s] <= t.x_ts), ibis.literal(s), out)
    return out


def side_exits(
    events: ir.Table,
    entries: FunnelEntries,
    *,
    side_states: Sequence[SideRule],
    start: dt.datetime,
    end: dt.datetime,
    entity_col: str = "contact_id",
    stage_col: str = "stage",
    time_col: str = "ts",
    reason_col: str = "reason",
    reasons: Sequence[str] | None = None,
    by: str | None = None,
) -> Report:
    """Exits into side states in ``[start, end)`` (local time) by from-stage and reason.

    Parameters
    ----------
    events
        The lifecycle events the entries were built from (same entity column).
    entries
        First entries (:func:`~accord.engines.funnel.stages.funnel_entries`).
    side_states
        The funnel's side states.
    reasons
        Known reason codes (the funnel's rejection reasons plus e.g. loss reasons);
        others are noted as ``unexpected_reason``. ``None``: no check.

    Returns
    -------
    Report
        ``kind="side_exits"``; columns ``group``, ``side_state``, ``from_stage``,
        ``reason``, ``exits``, ``entities``.
    """
    window = Window(start, end)
    state_of: ir.StringValue = ibis.null("string")
    names = {e: r.name for r in side_states for e in r.events}
    raw = events.select(
        x_entity=events[entity_col],
        x_event=events[stage_col].cast("string"),
        x_ts=to_local(events[time_col].cast("timestamp"), entries.time_zone, span=(start, end)),
        x_reason=events[reason_col].cast("string"),
    )
    raw = raw.filter(raw.x_event.isin(list(names)) & raw.x_entity.notnull())
    raw = raw.filter(window.contains(raw.x_ts))
    for event, name in names.items():
        state_of = ibis.ifelse(raw.x_event == event, ibis.literal(name), state_of)
    raw = raw.mutate(x_state=state_of)
    t = raw.left_join(entries.table, raw.x_entity == entries.table.entity)
    reason = ibis.ifelse(
        t.x_reason.isnull() | (t.x_reason.strip() == ""), ibis.literal(MISSING_REASON), t.x_reason
    )
    t = t.mutate(x_from=_from_stage(t, entries.stages), x_why=reason, x_group=group_key(t, by))
    agg = t.group_by(
        group=t.x_group, side_state=t.x_state, from_stage=t.x_from, reason=t.x_why
    ).aggregate(exits=t.count(), entities=t.x_entity.nunique())
    rows = sorted(
        agg.to_pyarrow().to_pylist(),
        key=lambda r: (r["group"], r["side_state"], r["from_stage"], -r["exits"], r["reason"]),
    )
    notes: list[Note] = []
    missing = sum(r["exits"] for r in rows if r["reason"] == MISSING_REASON)
    if missing:
        notes.append(Note("missing_reason", missing, "exits without a reason code"))
    allowed = {r.name: set(r.from_stages) for r in side_states}
    odd = [
        r
        for r in rows
        if allowed[r["side_state"]] and r["from_stage"] not in allowed[r["side_state"]]
    ]
    if odd:
        detail = ", ".join(sorted({f"{r['side_state']} from {r['from_stage']}" for r in odd}))
        notes.append(Note("unexpected_from_stage", sum(r["exits"] for r in odd), detail))
    if reasons is not None:
        known = set(reasons) | {MISSING_REASON}
        bad = [r for r in rows if r["reason"] not in known]
        if bad:
            detail = ", ".join(sorted({r["reason"] for r in bad}))
            notes.append(Note("unexpected_reason", sum(r["exits"] for r in bad), detail))
    record = params(
        {"start": start, "end": end, "by": by, "side_states": [r.name for r in side_states],
         "reasons": reasons, "entity_col": entity_col}
    )  # fmt: skip
    return Report("side_exits", to_table(rows, SIDE_COLUMNS), tuple(sorted(record)), tuple(notes))
