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

from accord.engines.funnel.result import Note, Parameters, params
from accord.engines.sla.clock import Clock
from accord.engines.sla.terms import SalesTerms

__all__ = ["NO_OWNER", "Handoffs", "build_handoffs"]

NO_OWNER = "(none)"


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

    def notes(self) -> tuple[Note, ...]:
        """Edge cases: merged hand-offs, entities rejected again, decisions without a
        hand-off, hand-offs without an owner (one query)."""
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
        Count only activities whose ``activity_rep_col`` is the hand-off's owner.
    span
        UTC range for the time-zone offsets (default: 5 years before ``as_of``).
    materialize
        Compute the table once in the backend (Ibis ``Table.cache()``: a temporary
        table, dropped with the result) so the reports reading it do not recompute it;
        ``False`` keeps a lazy expression.
    """
    span = span or (as_of - dt.timedelta(days=5 * 366), as_of + dt.timedelta(days=2))
    cutoff = ibis.literal(as_of)
    ev = events.select(
        entity=events[entity_col],
        stage=events[stage_col].cast("string"),
        at=clock.local(events[time_col].cast("timestamp"), span),
        reason=events[reason_col].cast("string"),
    )
    ev = ev.filter(ev.entity.notnull() & ev.at.notnull() & (ev.at <= cutoff))
    decision_stages = [*terms.accept_stages, *terms.reject_stages]
    watched = sorted({*decision_stages, *terms.disposition_stages})
    dec = ev.filter(ev.stage.isin(decision_stages)).select(d_entity="entity", d_at="at")

    raw = ev.filter(ev.stage == terms.handoff_stage).select("entity", "at").distinct()
    by_entity = ibis.window(group_by=raw.entity, order_by=raw.at)
    raw = raw.mutate(raw_next=raw.at.lead().over(by_entity))
    j = raw.left_join(
        dec,
        [
            raw.entity == dec.d_entity,
            dec.d_at >= raw.at,
            raw.raw_next.isnull() | (dec.d_at < raw.raw_next),
        ],
    )
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
        st,
        [
            kept.entity == st.e_entity,
            st.e_at >= kept.handoff_at,
            kept.next_at.isnull() | (st.e_at < kept.next_at),
        ],
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
        a_at=clock.local(activities[activity_time_col].cast("timestamp"), span),
        a_rep=activities[activity_rep_col].cast("string")
        if activity_rep_col
        else ibis.null("string"),
    )
    a = a.filter(a.a_entity.notnull() & a.a_at.notnull() & (a.a_at <= cutoff))
    cond = _in_segment(segs.entity, segs.handoff_at, segs.next_at, a.a_entity, a.a_at)
    if owner_activities_only and activity_rep_col:
        cond.append(a.a_rep == segs.owner)
    j = segs.left_join(a, cond)
    window_s = clock.allowance_days(terms.attempts_days or 0.0)
    rank = ibis.row_number().over(group_by=[j.entity, j.seq], order_by=j.a_at)
    j = j.mutate(_rank=ibis.ifelse(j.a_at.isnull(), ibis.null("int64"), rank))
    elapsed = clock.position(j.a_at) - clock.position(j.handoff_at)
    n = terms.attempts or 1
    t = j.group_by(
        [*keys, "decided_at", "reason", "decisions", "disposed_at", "decision"]
    ).aggregate(
        first_touch_at=j.a_at.min(),
        attempts=(j.a_at.notnull() & (elapsed <= window_s)).cast("int64").sum(),
        nth_attempt_at=j.a_at.min(where=j._rank == n - 1),
    )
    t = _judge(t, terms, clock, as_of)
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
    dec_events = ev.filter(ev.stage.isin(decision_stages)).select(d_entity="entity", d_at="at")
    return Handoffs(t, terms, clock, as_of, dec_events, tuple(sorted(record)))


def _in_segment(
    entity: ir.Value,
    start: ir.TimestampValue,
    nxt: ir.TimestampValue,
    other: ir.Value,
    at: ir.TimestampValue,
) -> list[ir.BooleanValue]:
    """Join conditions: *other*'s event at *at* falls in the segment ``[start, nxt)``."""
    return [entity == other, at >= start, nxt.isnull() | (at < nxt)]


def _judge(t: ir.Table, terms: SalesTerms, clock: Clock, as_of: dt.datetime) -> ir.Table:
    p_h = clock.position(t.handoff_at)
    now = ibis.literal(clock.position_py(as_of))
    cols: dict[str, ir.Value] = {
        "hours_to_first_touch": (clock.position(t.first_touch_at) - p_h) / 3600.0,
        "hours_to_decision": (clock.position(t.decided_at) - p_h) / 3600.0,
    }
    has_reason = t.reason.notnull() & (t.reason.strip() != "")
    unreached = (
        t.reason.isin(list(terms.unreached_reasons)).fill_null(False)
        if terms.unreached_reasons
        else ibis.literal(False)
    )
    specs: dict[str, tuple[ir.Value, float, ir.BooleanValue, ir.BooleanValue]] = {}
    if terms.decision_hours is not None:
        ok = (
            (t.decision == "accepted") | has_reason if terms.reason_required else ibis.literal(True)
        )
        specs["decision"] = (
            t.decided_at,
            clock.allowance_hours(terms.decision_hours),
            ok,
            ibis.literal(False),
        )
    if terms.first_touch_hours is not None:
        allow = clock.allowance_hours(terms.first_touch_hours)
        specs["first_touch"] = (t.first_touch_at, allow, ibis.literal(True), ibis.literal(False))
    if terms.attempts is not None and terms.attempts_days is not None:
        allow = clock.allowance_days(terms.attempts_days)
        decided_in_time = t.decided_at.notnull() & (clock.position(t.decided_at) - p_h <= allow)
        ends = decided_in_time & ((t.decision == "accepted") | ~unreached)
        nth_late = t.nth_attempt_at.isnull() | (clock.position(t.nth_attempt_at) - p_h > allow)
        specs["attempts"] = (t.nth_attempt_at, allow, ibis.literal(True), ends & nth_late)
    if terms.disposition_days is not None and terms.disposition_stages:
        allow = clock.allowance_days(terms.disposition_days)
        specs["disposition"] = (t.disposed_at, allow, ibis.literal(True), ibis.literal(False))
    for name, (done_at, allow, ok, exempt) in specs.items():
        done = done_at.notnull()
        took = clock.position(done_at) - p_h
        waited = now - p_h
        status = ibis.cases(
            (exempt, ibis.literal("exempt")),
            (done & (took <= allow) & ok, ibis.literal("met")),
            (done, ibis.literal("breached")),
            (waited > allow, ibis.literal("breached")),
            else_=ibis.literal("pending"),
        )
        late = ibis.cases(
            (status != "breached", ibis.null("float64")),
            (done, ibis.greatest(took - allow, 0.0) / 3600.0),
            else_=(waited - allow) / 3600.0,
        )
        cols[f"{name}_status"] = status
        cols[f"{name}_due_at"] = clock.instant(p_h + allow)
        cols[f"{name}_done_at"] = done_at
        cols[f"{name}_late_hours"] = late
        cols[f"{name}_open"] = (status == "breached") & ~done
    return t.mutate(**cols)
