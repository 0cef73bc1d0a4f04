"""Salesforce leads: the hand-off from marketing to sales and sales' decisions.

Every MQL is synced to Salesforce as a lead 2-15 minutes later and routed to an SDR of
the account's region. 2.5 % of MQLs are synced twice (a second lead a few hours or days
later, under another address): sales rejects 85 % of those as ``duplicate``. SDRs also
create leads for outbound prospects (worked when the prospect answers) and partners
register referred leads. Each hand-off is worked by ``handling.handle``.

A rejection with effect ``recycle`` sends the lead back to nurture; 35 % of recycled
MQL leads become MQLs again 30-180 days later (a HubSpot lifecycle event) and are worked
a second time by the same SDR. An accepted lead (SAL) is qualified (SQL: the lead is
converted) with probability ``sigmoid(sql_intercept + seniority + segment + 0.35 *
sdr-call-first treatment)`` 1-15 days later; otherwise it is recycled 2-6 weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import params
from accord.simulate.accounts import Accounts, assign
from accord.simulate.arrays import sigmoid
from accord.simulate.clock import DAY, HOUR, MISSING
from accord.simulate.counters import Counters
from accord.simulate.handling import REASON_CODES, Handling, LeadFeatures, handle
from accord.simulate.journeys import Journeys
from accord.simulate.people import OUTBOUND, PARTNER, SENIORITY, People
from accord.simulate.truth import Tally
from accord.simulate.world import World

__all__ = ["LEAD_KINDS", "Leads", "make_leads"]

LEAD_KINDS = ("mql", "duplicate", "outbound", "partner")
DUPLICATE_SYNC_RATE = 0.025
_REASON = {c: i for i, c in enumerate(REASON_CODES)}
_RECYCLE = np.array([r.effect == "recycle" for r in params.REASONS])


@dataclass(frozen=True, slots=True)
class Events:
    """Lifecycle events made by sales (and re-MQLs by HubSpot), one row each."""

    lead: np.ndarray
    stage: np.ndarray
    ts: np.ndarray
    reason: np.ndarray
    actor: np.ndarray
    """Index into ``params.REPS``; -1 for HubSpot (re-MQL)."""


@dataclass(frozen=True, slots=True)
class Leads:
    """One row per Salesforce lead of the block."""

    counter: np.ndarray
    person: np.ndarray
    kind: np.ndarray
    created: np.ndarray
    owner: np.ndarray
    source: np.ndarray
    handoffs: int
    accepted_at: np.ndarray
    rejected_reason: np.ndarray
    """Last decision's reason (-1: accepted or undecided)."""
    sql_at: np.ndarray
    decided: np.ndarray
    attempted: np.ndarray
    treated: np.ndarray
    exposed: np.ndarray
    events: Events
    activity_lead: np.ndarray
    activity_ts: np.ndarray
    activity_type: np.ndarray
    activity_outcome: np.ndarray

    def __len__(self) -> int:
        return int(self.counter.size)


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """Concatenate *parts*; an empty array of *dtype* when there are none."""
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _features(
    leads_person: np.ndarray,
    dup_reject: np.ndarray,
    rep: np.ndarray,
    handoff: np.ndarray,
    accounts: Accounts,
    people: People,
    journeys: Journeys,
) -> LeadFeatures:
    q = params.LEAD_QUALITY
    acct = people.account[leads_person]
    seg = accounts.segment[acct]
    sen = people.seniority[leads_person]
    source = journeys.source[leads_person]
    source_term = np.array(
        [c.accept for c in params.CHANNELS] + [q.outbound_accept, q.partner_accept]
    )
    micro = accounts.employees[acct] < 10
    off_icp = ~accounts.icp[acct]
    logit = (
        q.accept_intercept
        + source_term[source]
        + np.array([dict(q.seniority)[s] for s in SENIORITY])[sen]
        + np.array([s.accept for s in params.SEGMENTS])[seg]
        + q.icp_industry * ~off_icp
        + q.micro_company * micro
        + q.free_mail * people.signup_personal[leads_person]
        + q.engaged * (journeys.n_pre[leads_person] >= 5)
    )
    forced = np.full(leads_person.size, -1, dtype=np.int64)
    forced[people.student[leads_person]] = _REASON["student"]
    forced[accounts.competitor[acct]] = _REASON["competitor"]
    forced[dup_reject] = _REASON["duplicate"]
    return LeadFeatures(
        rep=rep,
        handoff=handoff,
        accept_logit=logit,
        forced=forced,
        segment=seg,
        micro_or_off_icp=micro | off_icp,
        individual=sen == SENIORITY.index("individual"),
    )


def _sla_truth(
    truth: Tally, world: World, rep: np.ndarray, handoff: np.ndarray, h: Handling, mql: np.ndarray
) -> None:
    """Per-rep realised SLA behaviour over first MQL hand-offs (rows where *mql*); a
    hand-off counts once its 24 h clock (14 days for attempts) has run out."""
    seen = (handoff + 24 * HOUR < world.t1) & mql
    full = (handoff + 14 * DAY < world.t1) & mql
    in_time = (h.attempt_ts <= handoff[h.attempt_owner] + 14 * DAY) & (h.attempt_ts < world.t1)
    within = np.bincount(h.attempt_owner[in_time], minlength=rep.size)
    decided_48 = (h.decided_at - handoff <= 48 * HOUR) & seen
    for r in np.unique(rep):
        name = params.REPS[r].name
        sel = (rep == r) & seen
        touched = sel & np.isfinite(h.first_touch)
        truth.add(
            "sla",
            name,
            mqls=float(sel.sum()),
            breaches=float((sel & (h.first_touch > 24 * HOUR)).sum()),
            never_touched=float((sel & ~np.isfinite(h.first_touch)).sum()),
            decided_within_48h=float(decided_48[rep == r].sum()),
            mqls_14d=float((full & (rep == r)).sum()),
            attempts_14d=float(within[full & (rep == r)].sum()),
        )
        truth.sample("sla", name, values=h.first_touch[touched] / HOUR)


def make_leads(
    world: World,
    accounts: Accounts,
    people: People,
    journeys: Journeys,
    rng: np.random.Generator,
    counters: Counters,
    truth: Tally,
) -> Leads:
    """Create the block's Salesforce leads and work them."""
    mql = np.flatnonzero(journeys.mql_at != MISSING)
    dup = mql[rng.random(mql.size) < DUPLICATE_SYNC_RATE]
    out = np.flatnonzero(people.origin == OUTBOUND)
    par = np.flatnonzero(people.origin == PARTNER)
    person = np.concatenate([mql, dup, out, par])
    kind = np.repeat(np.arange(4), [mql.size, dup.size, out.size, par.size])
    created = np.concatenate(
        [
            journeys.mql_at[mql] + rng.integers(120, 900, mql.size),
            journeys.mql_at[dup] + rng.integers(HOUR, 5 * DAY, dup.size),
            journeys.sales_start[out] - rng.integers(300, HOUR, out.size),
            journeys.sales_start[par] + rng.integers(HOUR, 2 * DAY, par.size),
        ]
    )
    keep = created < world.t1
    person, kind, created = person[keep], kind[keep], created[keep]
    order = np.lexsort((created, person))
    person, kind, created = person[order], kind[order], created[order]
    n = person.size
    counter = counters.take("sf_lead", n)
    region = accounts.region[people.account[person]]
    owner = assign(rng, "sdr", region)
    handoff = np.where(kind == 0, journeys.mql_at[person], created)
    handoff = np.where(kind == 2, journeys.responded_at[person], handoff)
    worked = (handoff != MISSING) & (handoff < world.t1)

    # sdr-call-first: MQL leads created inside its window are randomised
    exp = params.EXPERIMENTS[1]
    lo = world.t0 + world.month_day(exp.start_month) * DAY
    hi = world.t0 + world.month_day(exp.end_month) * DAY
    exposed = (kind == 0) & (created >= lo) & (created < hi)
    treated = exposed & (rng.random(n) < 0.5)

    ev: dict[str, list[np.ndarray]] = {k: [] for k in Events.__slots__}
    act: dict[str, list[np.ndarray]] = {k: [] for k in ("lead", "ts", "type", "outcome")}

    def emit(
        lead: np.ndarray, stage: str, ts: np.ndarray, reason: np.ndarray, actor: np.ndarray
    ) -> None:
        live = ts < world.t1
        ev["lead"].append(lead[live])
        ev["stage"].append(np.full(int(live.sum()), stage, dtype=object))
        ev["ts"].append(ts[live])
        ev["reason"].append(reason[live])
        ev["actor"].append(actor[live])

    accepted_at = np.full(n, MISSING, dtype=np.int64)
    last_reason = np.full(n, -1, dtype=np.int64)
    decided = np.zeros(n, dtype=bool)
    attempted = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(worked)
    times = handoff[rows]
    q = params.LEAD_QUALITY
    for round_no in (1, 2):
        if rows.size == 0:
            break
        dup_reject = (kind[rows] == 1) & (rng.random(rows.size) < 0.85)
        f = _features(person[rows], dup_reject, owner[rows], times, accounts, people, journeys)
        h = handle(rng, f)
        if round_no == 1:
            _sla_truth(truth, world, owner[rows], times, h, kind[rows] == 0)
        live = h.attempt_ts < world.t1
        act["lead"].append(rows[h.attempt_owner[live]])
        act["ts"].append(h.attempt_ts[live])
        act["type"].append(h.attempt_type[live])
        act["outcome"].append(h.attempt_outcome[live])
        attempted[rows[h.attempt_owner[live]]] = True
        done = h.decided_at < world.t1
        decided[rows[done]] = True
        acc = done & h.accepted
        rej = done & ~h.accepted
        none = np.full(rows.size, -1, dtype=np.int64)
        emit(rows[acc], "sal", h.decided_at[acc], none[acc], owner[rows][acc])
        emit(rows[rej], "rejected", h.decided_at[rej], h.reason[rej], owner[rows][rej])
        recycle = rej & _RECYCLE[np.maximum(h.reason, 0)]
        dq = rej & ~recycle
        emit(
            rows[recycle],
            "recycled",
            h.decided_at[recycle] + 60,
            h.reason[recycle],
            owner[rows][recycle],
        )
        emit(rows[dq], "disqualified", h.decided_at[dq] + 60, h.reason[dq], owner[rows][dq])
        accepted_at[rows[acc]] = h.decided_at[acc]
        last_reason[rows[rej]] = h.reason[rej]
        last_reason[rows[acc]] = -1
        src = journeys.source[person[rows]]
        for label, sel in (("all", done), ("mql", done & (kind[rows] == 0))):
            truth.count_by(
                ("acceptance", f"round{round_no}", label), src[sel], params.ALL_CHANNELS, "decided"
            )
            truth.count_by(
                ("acceptance", f"round{round_no}", label),
                src[sel],
                params.ALL_CHANNELS,
                "accepted",
                acc[sel].astype(float),
            )
            truth.count_by(
                ("acceptance", f"round{round_no}", label),
                src[sel],
                params.ALL_CHANNELS,
                "expected_accepted",
                np.where(f.forced[sel] >= 0, 0.0, h.p_accept[sel]),
            )
        truth.count_by(("reasons", f"round{round_no}"), h.reason[rej], REASON_CODES, "count")
        if round_no == 2:
            break
        # recycled MQL leads come back as MQLs once
        back = recycle & (kind[rows] == 0) & (rng.random(rows.size) < params.REMQL_RATE)
        again = h.decided_at[back] + rng.integers(30 * DAY, 180 * DAY, int(back.sum()))
        keep2 = again < world.t1
        rows, times = rows[back][keep2], again[keep2]
        emit(
            rows,
            "mql",
            times,
            np.full(rows.size, -1, dtype=np.int64),
            np.full(rows.size, -1, dtype=np.int64),
        )

    # qualification of accepted leads
    sal = np.flatnonzero(accepted_at != MISSING)
    sen = people.seniority[person[sal]]
    seg = accounts.segment[people.account[person[sal]]]
    logit = (
        q.sql_intercept
        + np.array([dict(q.sql_seniority)[s] for s in SENIORITY])[sen]
        + np.array([s.sql for s in params.SEGMENTS])[seg]
        + exp.effect * treated[sal]
    )
    p_sql = sigmoid(logit)
    qualified = rng.random(sal.size) < p_sql
    sql_at = np.full(n, MISSING, dtype=np.int64)
    when = accepted_at[sal] + DAY + rng.gamma(2.0, 3.0, sal.size) * DAY
    sql_at[sal[qualified & (when < world.t1)]] = when[qualified & (when < world.t1)].astype(
        np.int64
    )
    later = sal[~qualified]
    late_ts = accepted_at[later] + rng.integers(14 * DAY, 45 * DAY, later.size)
    late_reason = np.where(rng.random(later.size) < 0.6, _REASON["not_ready"], _REASON["no_budget"])
    emit(later, "recycled", late_ts, late_reason, owner[later])
    observed = when < world.t1
    for arm, sel in (("control", exposed[sal] & ~treated[sal]), ("treatment", treated[sal])):
        sel = sel & observed
        truth.add(
            "experiments",
            exp.experiment_id,
            arm,
            sals=float(sel.sum()),
            sqls=float((qualified & sel).sum()),
            expected=float(p_sql[sel].sum()),
        )
    for arm, sel in (("control", exposed & ~treated), ("treatment", treated)):
        truth.add("experiments", exp.experiment_id, arm, units=float(sel.sum()))
    truth.add(
        "stages",
        "sal_to_sql",
        sals=float(observed.sum()),
        sqls=float((qualified & observed).sum()),
        expected=float(p_sql[observed].sum()),
    )

    events = Events(**{k: _cat(v, object if k == "stage" else np.int64) for k, v in ev.items()})
    return Leads(
        counter=counter,
        person=person,
        kind=kind,
        created=created,
        owner=owner,
        source=journeys.source[person],
        handoffs=int(worked.sum()),
        accepted_at=accepted_at,
        rejected_reason=last_reason,
        sql_at=sql_at,
        decided=decided,
        attempted=attempted,
        treated=treated,
        exposed=exposed,
        events=events,
        activity_lead=_cat(act["lead"], np.int64),
        activity_ts=_cat(act["ts"], np.int64),
        activity_type=_cat(act["type"], object),
        activity_outcome=_cat(act["outcome"], object),
    )
