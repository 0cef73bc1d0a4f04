"""One row per hand-off, with every sales commitment's status: the SLA's working table.

A **hand-off** starts when an entity enters the hand-off stage (an MQL event). Its
**segment** runs until the entity's next hand-off; decisions, dispositions and
activities are credited to the hand-off whose segment they fall in, so a recycled
lead that comes back as an MQL is a second hand-off, worked and judged again. An MQL
event that arrives while the previous hand-off is still undecided is not a new
hand-off (a re-sync, a duplicate record): it is merged into the open one
(``repeated_handoff``).

Per hand-off and commitment (:class:`~accord.engines.sla.terms.SalesTerms`) the status
is, at ``as_of``:

* ``met``: done within the allowance (for the decision: and with a reason when
  rejecting, if one is required);
* ``breached``: done late, done without a required reason, or not done and the
  allowance has run out (then ``open`` is true and the lateness grows with ``as_of``);
* ``pending``: not done and still within the allowance;
* ``exempt`` (attempts only): a decision within the allowance ended the obligation,
  unless it was a rejection for a reason that says the lead was never reached.

Elapsed time runs on the given :class:`~accord.engines.sla.clock.Clock`; ``*_late_hours``
and ``hours_to_*`` are clock hours. Everything is one Ibis expression; nothing runs
here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from accord.engines.funnel.periods import to_utc_py
from accord.engines.funnel.result import Note, Parameters, params
from accord.engines.sla.clock import Clock
from accord.engines.sla.terms import SalesTerms

__all__ = ["NO_OWNER", "Handoffs", "build_handoffs"]

NO_OWNER = "(none)"
_FAR = dt.datetime(9999, 1, 1)


@dataclass(frozen=True, slots=True)
class Handoffs:
    """The hand-off table and how it was built.

    Attributes
    ----------
    table
        Ibis expression, one row per hand-off: ``entity``, ``seq`` (1 = first
        hand-off), ``owner``, ``team``, ``handoff_at`` (local), ``decided_at``,
        ``decision`` (``accepted`` / ``rejected`` / null), ``reason``, ``decisions``,
        ``disposed_at``, ``first_touch_at``, ``attempts`` (within the attempts window),
        ``nth_attempt_at``, ``hours_to_first_touch``, ``hours_to_decision``, ``merged``
        (MQL events merged into it) and, per commitment ``c``, ``c_status``,
        ``c_due_at``, ``c_done_at``, ``c_late_hours``, ``c_open``.
    terms, clock, as_of
        What it was judged against (``as_of`` in local time).
    """

    table: ir.Table
    terms: SalesTerms
    clock: Clock
    as_of: dt.datetime
    decision_events: ir.Table = field(repr=False)
    parameters: Parameters = field(default=(), repr=False)
    _notes: list[tuple[Note, ...]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def notes(self) -> tuple[Note, ...]:
        """Edge cases: merged hand-offs, entities rejected again, decisions without a
        hand-off, hand-offs without an owner (computed once: every report built from
        these hand-offs reuses them)."""
        if not self._notes:
            self._notes.append(self._compute_notes())
        return self._notes[0]

    def _compute_notes(self) -> tuple[Note, ...]:
        t = self.table
        per_entity = t.group_by("entity").aggregate(
            rejected=(t.decision == "rejected").cast("int64").sum()
        )
        row = (
            t.aggregate(
                handoffs=t.count(),
                merged=t.merged.sum(),
                no_owner=(t.owner == NO_OWNER).cast("int64").sum(),
            )
            .to_pyarrow()
            .to_pylist()[0]
        )
        again = per_entity.filter(per_entity.rejected > 1).count().to_pyarrow().as_py()
        d = self.decision_events
        first = t.group_by(f_entity=t.entity).aggregate(first_at=t.handoff_at.min())
        j = d.left_join(first, d.d_entity == first.f_entity)
        orphan = j.filter(j.first_at.isnull() | (j.d_at < j.first_at)).count().to_pyarrow().as_py()
        notes = []
        if not row["handoffs"]:
            notes.append(Note("no_handoffs", 0, f"no {self.terms.handoff_stage} events"))
        if row["merged"]:
            notes.append(
                Note("repeated_handoff", int(row["merged"]), "merged into an open hand-off")
            )
        if again:
            notes.append(Note("rejected_again", int(again), "entities rejected on 2+ hand-offs"))
        if orphan:
            notes.append(Note("decision_before_handoff", int(orphan), "decisions ignored"))
        if row["no_owner"]:
            notes.append(Note("missing_owner", int(row["no_owner"]), f"shown as {NO_OWNER}"))
        return tuple(notes)


def build_handoffs(
    events: ir.Table,
    activities: ir.Table,
    *,
    terms: SalesTerms,
    clock: Clock,
    as_of: dt.datetime,
    owners: ir.Table | None = None,
    entity_col: str = "contact_id",
    stage_col: str = "stage",
    time_col: str = "ts",
    reason_col: str = "reason",
    activity_entity_col: str = "contact_id",
    activity_time_col: str = "ts",
    activity_rep_col: str | None = "rep_id",
    owner_entity_col: str | None = None,
    owner_col: str = "owner_id",
    team_col: str | None = None,
    owner_activities_only: bool = False,
    span: tuple[dt.datetime, dt.datetime] | None = None,
    materialize: bool = True,
) -> Handoffs:
    """Build the hand-off table (an Ibis expression).

    Parameters
    ----------
    events
        Lifecycle events (naive UTC): hand-offs, decisions, dispositions.
    activities
        Sales activities (calls, e-mails, ...), keyed by the same entity.
    terms, clock
        The commitments and how time is measured.
    as_of
        The report's "now", local wall-clock time; later events are ignored.
    owners
        Optional table: one row per entity with its owner (rep) and team.
    owner_activities_only
        Count only activities whose ``activity_rep_col`` is the hand-off's owner (all
        activities when the hand-off has no owner).
    span
        UTC range for the time-zone offsets (default: 5 years before ``as_of``).
    materialize
        Compute the table once in the backend (Ibis ``Table.cache()``: a temporary
        table, dropped with the result) so the reports reading it do not recompute it;
        ``False`` keeps a lazy expression.
    """
    span = span or (as_of - dt.timedelta(days=5 * 366), as_of + dt.timedelta(days=2))
    as_of_utc = to_utc_py(as_of, clock.time_zone)
    cutoff = ibis.literal(as_of_utc)
    ev = events.select(
        entity=events[entity_col],
        stage=events[stage_col].cast("string"),
        at=events[time_col].cast("timestamp"),
        reason=events[reason_col].cast("string"),
    )
    ev = ev.filter(ev.entity.notnull() & ev.at.notnull() & (ev.at <= cutoff))
    decision_stages = [*terms.accept_stages, *terms.reject_stages]
    watched = sorted({*decision_stages, *terms.disposition_stages})
    dec = ev.filter(ev.stage.isin(decision_stages)).select(d_entity="entity", d_at="at")

    raw = ev.filter(ev.stage == terms.handoff_stage).select("entity", "at").distinct()
    by_entity = ibis.window(group_by=raw.entity, order_by=raw.at)
    raw = raw.mutate(raw_next=raw.at.lead().over(by_entity))
    j = raw.left_join(dec, _in_segment(raw.entity, raw.at, raw.raw_next, dec.d_entity, dec.d_at))
    raw = j.group_by(["entity", "at"]).aggregate(decided=j.d_at.count() > 0)
    by_entity = ibis.window(group_by=raw.entity, order_by=raw.at)
    raw = raw.mutate(prev_decided=raw.decided.lag().over(by_entity))
    raw = raw.mutate(keep=raw.prev_decided.isnull() | raw.prev_decided)
    running = ibis.cumulative_window(group_by=raw.entity, order_by=raw.at)
    raw = raw.mutate(seq=raw.keep.cast("int64").sum().over(running))
    kept = raw.group_by(["entity", "seq"]).aggregate(
        handoff_at=raw.at.min(), merged=raw.count() - 1
    )
    by_entity = ibis.window(group_by=kept.entity, order_by=kept.handoff_at)
    kept = kept.mutate(next_at=kept.handoff_at.lead().over(by_entity))

    if owners is not None:
        oc = owner_entity_col or entity_col
        team = owners[team_col].cast("string").max() if team_col else ibis.null("string")
        own = owners.group_by(o_entity=owners[oc]).aggregate(
            o_owner=owners[owner_col].cast("string").max(), o_team=team
        )
        kept = kept.left_join(own, kept.entity == own.o_entity).drop("o_entity")
        kept = kept.mutate(
            owner=kept.o_owner.fill_null(NO_OWNER), team=kept.o_team.fill_null(NO_OWNER)
        ).drop("o_owner", "o_team")
    else:
        kept = kept.mutate(owner=ibis.literal(NO_OWNER), team=ibis.literal(NO_OWNER))

    # decisions and dispositions in the segment
    st = ev.filter(ev.stage.isin(watched)).select(
        e_entity="entity", e_at="at", e_stage="stage", e_reason="reason"
    )
    j = kept.left_join(
        st, _in_segment(kept.entity, kept.handoff_at, kept.next_at, st.e_entity, st.e_at)
    )
    is_dec = j.e_stage.isin(decision_stages)
    is_acc = j.e_stage.isin(list(terms.accept_stages))
    keys = ["entity", "seq", "handoff_at", "next_at", "merged", "owner", "team"]
    segs = j.group_by(keys).aggregate(
        decided_at=j.e_at.min(where=is_dec),
        first_accept=j.e_at.min(where=is_acc),
        reason=j.e_reason.argmin(j.e_at, where=is_dec),
        decisions=is_dec.cast("int64").sum().fill_null(0),
        disposed_at=j.e_at.min(where=j.e_stage.isin(list(terms.disposition_stages))),
    )
    segs = segs.mutate(
        decision=ibis.cases(
            (segs.decided_at.isnull(), ibis.null("string")),
            (segs.first_accept == segs.decided_at, ibis.literal("accepted")),
            else_=ibis.literal("rejected"),
        ),
    ).drop("first_accept")
    segs = segs.mutate(
        reason=ibis.ifelse(segs.decision == "accepted", ibis.null("string"), segs.reason)
    )

    # activities in the segment
    a = activities.select(
        a_entity=activities[activity_entity_col],
        a_at=activities[activity_time_col].cast("timestamp"),
        a_rep=activities[activity_rep_col].cast("string")
        if activity_rep_col
        else ibis.null("string"),
    )
    a = a.filter(a.a_entity.notnull() & a.a_at.notnull() & (a.a_at <= cutoff))
    j = segs.left_join(
        a, _in_segment(segs.entity, segs.handoff_at, segs.next_at, a.a_entity, a.a_at)
    )
    # whose activity counts is decided after the join: an OR in the join condition
    # would turn DuckDB's hash join into a nested loop
    mine = j.a_at.notnull()
    if owner_activities_only and activity_rep_col:
        mine = mine & ((j.owner == NO_OWNER) | (j.a_rep == j.owner).fill_null(False))
    j = j.mutate(_mine=mine)
    rank = ibis.row_number().over(group_by=[j.entity, j.seq], order_by=[~j._mine, j.a_at])
    j = j.mutate(_rank=rank)
    j = j.mutate(_x_a=clock.seconds(j.a_at, span), _x_h=clock.seconds(j.handoff_at, span))
    j = j.mutate(_x_a=clock.position_of(j._x_a), _x_h=clock.position_of(j._x_h))
    window_s = clock.allowance_days(terms.attempts_days or 0.0)
    n = terms.attempts or 1
    t = j.group_by(
        [*keys, "decided_at", "reason", "decisions", "disposed_at", "decision"]
    ).aggregate(
        first_touch_at=j.a_at.min(where=j._mine),
        attempts=(j._mine & (j._x_a - j._x_h <= window_s)).cast("int64").sum(),
        nth_attempt_at=j.a_at.min(where=j._mine & (j._rank == n - 1)),
    )
    t = _judge(t, terms, clock, as_of_utc, span)
    shown = ["handoff_at", "decided_at", "disposed_at", "first_touch_at", "nth_attempt_at"]
    shown += [c for c in t.columns if c.endswith("_done_at")]
    t = t.mutate(**{c: clock.local(t[c], span) for c in shown}).drop("next_at")
    if materialize:
        t = t.cache()
    record = (
        params(
            {
                "as_of": as_of,
                "clock": clock.describe(),
                "entity_col": entity_col,
                "owner_activities_only": owner_activities_only,
            }
        )
        + terms.as_params()
    )
    dec_events = ev.filter(ev.stage.isin(decision_stages))
    dec_events = dec_events.select(
        d_entity=dec_events.entity, d_at=clock.local(dec_events.at, span)
    )
    return Handoffs(t, terms, clock, as_of, dec_events, tuple(sorted(record)))


def _in_segment(
    entity: ir.Value,
    start: ir.TimestampValue,
    nxt: ir.TimestampValue,
    other: ir.Value,
    at: ir.TimestampValue,
) -> list[ir.BooleanValue]:
    """Join conditions: *other*'s event at *at* falls in the segment ``[start, nxt)``.

    The open end is a far-future sentinel, not ``nxt IS NULL OR ...``: an OR in a join
    condition makes DuckDB fall back from a hash join to a nested-loop join.
    """
    return [entity == other, at >= start, at < nxt.fill_null(ibis.literal(_FAR))]


def _judge(
    t: ir.Table,
    terms: SalesTerms,
    clock: Clock,
    as_of_utc: dt.datetime,
    span: tuple[dt.datetime, dt.datetime],
) -> ir.Table:
    """Add the status columns. Clock positions are computed once, as columns, so the
    generated SQL stays small (each position is a sizeable expression)."""
    done_col = {
        "decision": "decided_at",
        "first_touch": "first_touch_at",
        "attempts": "nth_attempt_at",
        "disposition": "disposed_at",
    }
    allow = {
        "decision": clock.allowance_hours(terms.decision_hours or 0.0),
        "first_touch": clock.allowance_hours(terms.first_touch_hours or 0.0),
        "attempts": clock.allowance_days(terms.attempts_days or 0.0),
        "disposition": clock.allowance_days(terms.disposition_days or 0.0),
    }
    t = t.mutate(
        _p_h=clock.seconds(t.handoff_at, span),
        **{f"_took_{c}": clock.seconds(t[col], span) for c, col in done_col.items()},
    )
    t = t.mutate(
        _p_h=clock.position_of(t._p_h),
        **{f"_took_{c}": clock.position_of(t[f"_took_{c}"]) for c in done_col},
    )
    t = t.mutate(
        **{f"_took_{c}": t[f"_took_{c}"] - t._p_h for c in done_col},
        _waited=ibis.literal(clock.position_py(as_of_utc)) - t._p_h,
        hours_to_first_touch=(t._took_first_touch - t._p_h) / 3600.0,
        hours_to_decision=(t._took_decision - t._p_h) / 3600.0,
    )
    has_reason = t.reason.notnull() & (t.reason.strip() != "")
    unreached = (
        t.reason.isin(list(terms.unreached_reasons)).fill_null(False)
        if terms.unreached_reasons
        else ibis.literal(False)
    )
    no = ibis.literal(False)
    ok: dict[str, ir.BooleanValue] = {c: ibis.literal(True) for c in done_col}
    exempt: dict[str, ir.BooleanValue] = dict.fromkeys(done_col, no)
    if terms.reason_required:
        ok["decision"] = (t.decision == "accepted") | has_reason
    decided_in_time = t.decided_at.notnull() & (t._took_decision <= allow["attempts"])
    ends = decided_in_time & ((t.decision == "accepted") | ~unreached)
    exempt["attempts"] = ends & (t.nth_attempt_at.isnull() | (t._took_attempts > allow["attempts"]))
    status: dict[str, ir.Value] = {}
    for c in terms.commitments:
        done, took = t[done_col[c]].notnull(), t[f"_took_{c}"]
        status[f"{c}_status"] = ibis.cases(
            (exempt[c], ibis.literal("exempt")),
            (done & (took <= allow[c]) & ok[c], ibis.literal("met")),
            (done, ibis.literal("breached")),
            (t._waited > allow[c], ibis.literal("breached")),
            else_=ibis.literal("pending"),
        )
        status[f"{c}_due_at"] = clock.due(t.handoff_at, allow[c], span, position=t._p_h)
        status[f"{c}_done_at"] = t[done_col[c]]
    t = t.mutate(**status)
    late: dict[str, ir.Value] = {}
    for c in terms.commitments:
        done, took, breached = (
            t[done_col[c]].notnull(),
            t[f"_took_{c}"],
            t[f"{c}_status"] == "breached",
        )
        late[f"{c}_late_hours"] = ibis.cases(
            (~breached, ibis.null("float64")),
            (done, ibis.greatest(took - allow[c], 0.0) / 3600.0),
            else_=(t._waited - allow[c]) / 3600.0,
        )
        late[f"{c}_open"] = breached & ~done
    t = t.mutate(**late)
    return t.drop(*[c for c in t.columns if c.startswith("_")])
