"""First entry of every entity into every funnel stage: one wide row per entity.

The funnel engines all start from the same Ibis expression, built here: per entity
(contact, person or account: whatever ``entity_col`` holds), the local time of its
**first entry** into each stage, plus how many events it had for each stage.

Rules (the ``enter`` rules of a ``funnel`` definition):

* a stage is entered by any of its lifecycle ``events``; only the first counts, so a
  lead recycled and re-qualified is counted once (its later MQL events are reported as
  ``repeated_entry``);
* a stage with ``after`` (e.g. ``sal`` after ``mql``) is entered by its first event *at
  or after* the entity's entry into that stage; events before it, or without it, are
  ignored and reported as ``out_of_order`` (e.g. an outbound lead accepted by sales
  never became an MQL, so it is not a funnel SAL);
* stages may be skipped: nothing is invented for a stage without an event. The
  conversion engines count an entity as having *reached* a stage when it entered that
  stage or any later one (see :mod:`.conversion`).

Examples
--------
>>> import ibis
>>> ev = ibis.memtable({"pid": ["a", "a", "a", "b"], "stage": ["lead", "mql", "sal", "sal"],
...                     "ts": [dt.datetime(2024, 1, d) for d in (1, 2, 3, 4)]})
>>> fe = funnel_entries(ev, stages=(StageRule("lead"), StageRule("mql"),
...                                  StageRule("sal", after="mql")), entity_col="pid")
>>> fe.table.order_by("entity").select("entity", "sal").to_pyarrow()["sal"].to_pylist()
[datetime.datetime(2024, 1, 3, 0, 0), None]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from accord.engines.funnel.periods import check_time_zone, to_local
from accord.engines.funnel.result import Note, Parameters, params
from accord.errors import InputError

__all__ = ["FunnelEntries", "StageRule", "funnel_entries", "stage_rules"]

NONE_LABEL = "(none)"
"""Group label for entities without a value of the ``by`` attribute."""


@dataclass(frozen=True, slots=True)
class StageRule:
    """How an entity enters one stage.

    Parameters
    ----------
    name
        Stage name (a column of the entries table).
    events
        Lifecycle event values that enter it; defaults to ``(name,)``.
    after
        An earlier stage the entity must have entered first.
    """

    name: str
    events: tuple[str, ...] = ()
    after: str | None = None

    def __post_init__(self) -> None:
        if not self.events:
            object.__setattr__(self, "events", (self.name,))


def stage_rules(names: Sequence[str]) -> tuple[StageRule, ...]:
    """One rule per stage, each entered by the event of the same name."""
    return tuple(StageRule(n) for n in names)


@dataclass(frozen=True, slots=True)
class FunnelEntries:
    """The wide entries table and what it was built from.

    Attributes
    ----------
    table
        Ibis expression: ``entity``, one timestamp column per stage (local time of the
        first entry, null if never entered), ``n_<stage>`` (events of that stage), the
        attribute columns, and ``ignored_<stage>`` for stages with ``after``.
    stages
        Stage names in funnel order.
    time_zone
        Zone of the timestamps in ``table``.
    attributes
        Names of the attribute columns carried (usable as ``by=``).
    parameters
        Parameters of the build (stage rules, columns, zone).
    """

    table: ir.Table
    stages: tuple[str, ...]
    time_zone: str
    attributes: tuple[str, ...] = ()
    parameters: Parameters = field(default=(), repr=False)
    _notes: list[tuple[Note, ...]] = field(default_factory=list, repr=False, compare=False)

    def index(self, stage: str) -> int:
        """Position of *stage* in the funnel (``InputError`` if unknown)."""
        try:
            return self.stages.index(stage)
        except ValueError:
            raise InputError(
                f"unknown funnel stage {stage!r}", hint=f"stages are {', '.join(self.stages)}"
            ) from None

    def entry_notes(self) -> tuple[Note, ...]:
        """``out_of_order`` and ``repeated_entry`` counts over all entities (one query, run
        once: every report built from these entries reuses it)."""
        if self._notes:
            return self._notes[0]
        t = self.table
        aggs: dict[str, ir.Value] = {}
        for s in self.stages:
            aggs[f"rep_{s}"] = (t[f"n_{s}"] > 1).cast("int64").sum()
            if f"ignored_{s}" in t.columns:
                aggs[f"ooo_{s}"] = (t[f"ignored_{s}"] > 0).cast("int64").sum()
        row = t.aggregate(**aggs).to_pyarrow().to_pylist()[0]
        notes: list[Note] = []
        ooo = {s: int(row.get(f"ooo_{s}") or 0) for s in self.stages}
        if sum(ooo.values()):
            detail = ", ".join(f"{s}: {n}" for s, n in ooo.items() if n)
            notes.append(Note("out_of_order", sum(ooo.values()), detail))
        rep = {s: int(row[f"rep_{s}"] or 0) for s in self.stages}
        if sum(rep.values()):
            detail = ", ".join(f"{s}: {n}" for s, n in rep.items() if n)
            notes.append(Note("repeated_entry", sum(rep.values()), detail))
        self._notes.append(tuple(notes))
        return self._notes[0]


def funnel_entries(
    events: ir.Table,
    *,
    stages: Sequence[StageRule],
    entity_col: str = "contact_id",
    stage_col: str = "stage",
    time_col: str = "ts",
    time_zone: str = "UTC",
    span: tuple[dt.datetime, dt.datetime] | None = None,
    attributes: ir.Table | None = None,
    materialize: bool = True,
) -> FunnelEntries:
    """Build the first-entry table of a funnel (an Ibis expression; nothing runs here).

    Parameters
    ----------
    events
        Lifecycle events: ``entity_col``, ``stage_col``, ``time_col`` (naive UTC).
    stages
        The funnel's stages in order (from its definition's ``enter`` rules).
    entity_col
        Whose funnel: ``contact_id`` for one source system, ``person_id`` after
        identity resolution (the caller joins the crosswalk), ``account_id``.
    time_zone
        Workspace zone; entries are stored in its local time.
    span
        UTC range over which time-zone offsets are looked up exactly (defaults to
        2000-2040).
    attributes
        Optional table keyed by ``entity_col`` (one row per entity) whose other columns
        (channel, source, segment, rep, ...) are carried for ``by=`` grouping.
    materialize
        Compute the table once in the backend (Ibis ``Table.cache()``: a temporary
        table, dropped with the result) so every figure read from it does not rebuild
        it; ``False`` keeps a lazy expression.

    Raises
    ------
    InputError
        A stage repeats, or ``after`` names a stage that is not earlier in the funnel.
    """
    check_time_zone(time_zone)
    names = [r.name for r in stages]
    if len(set(names)) != len(names) or not names:
        raise InputError("funnel stages must be distinct and at least one")
    for i, rule in enumerate(stages):
        if rule.after is not None and rule.after not in names[:i]:
            raise InputError(
                f"stage {rule.name!r} must come after {rule.after!r}, an earlier stage"
            )
    span = span or (dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1))
    all_events = sorted({e for r in stages for e in r.events})
    ev = events.select(
        entity=events[entity_col],
        stage=events[stage_col].cast("string"),
        ts=to_local(events[time_col].cast("timestamp"), time_zone, span=span),
    ).filter(lambda t: t.entity.notnull() & t.ts.notnull() & t.stage.isin(all_events))

    aggs: dict[str, ir.Value] = {}
    for rule in stages:
        hit = ev.stage.isin(list(rule.events))
        aggs[f"n_{rule.name}"] = hit.cast("int64").sum()
        if rule.after is None:
            aggs[rule.name] = ev.ts.min(where=hit)
    wide = ev.group_by("entity").aggregate(**aggs)
    # Stages with ``after`` are computed on narrow tables (entity, first time): a chain
    # (sql after sal after mql) reads the previous link's small table, not the wide one,
    # so the generated SQL does not repeat the whole chain for every link.
    firsts: dict[str, ir.Table] = {}
    for rule in stages:
        if rule.after is None:
            continue
        cand = ev.filter(ev.stage.isin(list(rule.events))).select("entity", "ts")
        if rule.after in firsts:
            prev = firsts[rule.after]
            pre = prev.select(p_entity=prev.f_entity, pre=prev.f_ts)
        else:
            pre = wide.select(p_entity=wide.entity, pre=wide[rule.after])
        j = cand.join(pre, cand.entity == pre.p_entity)
        ok = j.pre.notnull() & (j.ts >= j.pre)
        firsts[rule.name] = j.group_by(j.entity.name("f_entity")).aggregate(
            f_ts=j.ts.min(where=ok), f_bad=(~ok).cast("int64").sum()
        )
    for name, first in firsts.items():
        wide = wide.left_join(first, wide.entity == first.f_entity)
        n_rule = wide[f"n_{name}"]
        wide = wide.mutate(
            **{
                name: wide.f_ts,
                f"ignored_{name}": ibis.ifelse(wide.f_ts.isnull(), n_rule, wide.f_bad),
            }
        ).drop("f_entity", "f_ts", "f_bad")
    attr_cols: tuple[str, ...] = ()
    if attributes is not None:
        attr_cols = tuple(c for c in attributes.columns if c != entity_col)
        clash = set(attr_cols) & set(wide.columns)
        if clash:
            raise InputError(f"attribute columns clash with stage columns: {sorted(clash)}")
        a = attributes.rename(a_entity=entity_col)
        wide = wide.left_join(a, wide.entity == a.a_entity).drop("a_entity")
    ordered = ["entity", *names, *(f"n_{n}" for n in names)]
    ordered += [c for c in wide.columns if c.startswith("ignored_")]
    wide = wide.select(*ordered, *attr_cols)
    if materialize:
        wide = wide.cache()
    p = params(
        {
            "stages": names,
            "stage_events": [f"{r.name}={'|'.join(r.events)}" for r in stages],
            "stage_after": [f"{r.name}>{r.after}" for r in stages if r.after],
            "entity_col": entity_col,
            "time_zone": time_zone,
        }
    )
    return FunnelEntries(wide, tuple(names), time_zone, attr_cols, p)
