"""Events in Accord's canonical layout: touchpoints, lifecycle events, sales activities and
experiment exposures (``accord-<table>.csv``)."""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.simulate import ids, params
from accord.simulate.arrays import group_starts
from accord.simulate.block import Block
from accord.simulate.clock import DAY, HOUR, MISSING, format_times
from accord.simulate.counters import Counters
from accord.simulate.handling import REASON_CODES
from accord.simulate.journeys import OUTBOUND_CH, TEAMS, Touches, concat_touches
from accord.simulate.rng import Concern

__all__ = ["activities", "activities_and_touches", "exposures", "lifecycle_events", "touchpoints"]

TOUCHPOINTS: Final = (
    "source_system",
    "source_id",
    "touchpoint_id",
    "contact_id",
    "anonymous_id",
    "account_id",
    "ts",
    "channel",
    "campaign_id",
    "source",
    "medium",
    "touch_type",
    "team",
)
LIFECYCLE: Final = (
    "source_system",
    "source_id",
    "event_id",
    "contact_id",
    "account_id",
    "stage",
    "ts",
    "actor",
    "team",
    "reason",
)
ACTIVITIES: Final = (
    "source_system",
    "source_id",
    "activity_id",
    "contact_id",
    "account_id",
    "rep_id",
    "ts",
    "type",
    "outcome",
)
EXPOSURES: Final = ("source_system", "source_id", "experiment_id", "variant", "unit_id", "ts")
_SOURCE = np.array([c.utm_source for c in params.CHANNELS] + ["salesforce", "partner"])
_MEDIUM = np.array([c.utm_medium for c in params.CHANNELS] + ["sales", "referral"])


def _take(arr: pa.Array, idx: np.ndarray, mask: np.ndarray) -> pa.Array:
    """``arr[idx]`` where *mask*, null elsewhere."""
    taken = arr.take(pa.array(np.where(mask, idx, 0)))
    out: pa.Array = pc.if_else(pa.array(mask), taken, pa.scalar(None, pa.string()))
    return out


def activities_and_touches(b: Block) -> tuple[Touches, dict[str, np.ndarray]]:
    """Sales' meetings as touchpoints (after acceptance; during opportunities) and the
    account executives' activities during opportunities."""
    rng = b.rng(Concern.SALES_TOUCHES)
    le, d = b.leads, b.deals
    sal = np.flatnonzero(le.accepted_at != MISSING)
    meet = le.accepted_at[sal] + rng.integers(HOUR, 3 * DAY, sal.size)
    k = np.minimum(1 + rng.poisson(np.maximum(d.closed - d.created, 0) / (20 * DAY)), 8)
    owner = np.repeat(np.arange(len(d)), k)
    end = np.minimum(d.closed, b.world.t1)
    ts = d.created[owner] + (rng.random(owner.size) * np.maximum(end - d.created, 1)[owner]).astype(
        np.int64
    )
    ts[group_starts(k)] = d.created[k > 0] + HOUR
    kinds = np.array(["meeting", "demo", "proposal_sent", "call"], dtype=object)
    kind = kinds[rng.integers(0, kinds.size, owner.size)]
    person = np.concatenate([le.person[sal], le.person[d.lead[owner]]])
    all_ts = np.concatenate([meet, ts])
    touches = Touches(
        person=person,
        record=(b.hs_primary[person] >= 0).astype(np.int64),
        cookie=np.full(person.size, -1, dtype=np.int64),
        ts=all_ts,
        channel=np.full(person.size, OUTBOUND_CH, dtype=np.int64),
        campaign=np.full(person.size, -1, dtype=np.int64),
        touch_type=np.concatenate([np.full(sal.size, "meeting", dtype=object), kind]),
        team=np.ones(person.size, dtype=np.int64),
    )
    keep = (touches.record > 0) & (touches.ts < b.world.t1)
    touches = Touches(**{f: getattr(touches, f)[keep] for f in Touches.__slots__})
    act_kind = np.where(kind == "proposal_sent", "email", np.where(kind == "demo", "meeting", kind))
    live = ts < b.world.t1
    ae = {"deal": owner[live], "ts": ts[live], "type": act_kind[live].astype(object)}
    return touches, ae


def touchpoints(b: Block, extra: Touches, counters: Counters) -> dict[str, pa.Array]:
    """Columns of ``accord-touchpoints.csv`` for the block."""
    t = concat_touches([b.touches, extra])
    n = len(t)
    person = np.maximum(t.person, 0)
    contact = np.where(t.record == 2, b.hs_duplicate[person], b.hs_primary[person])
    has_contact = (t.person >= 0) & (t.record > 0) & (contact >= 0)
    tp = ids.prefixed_ids("tp_", counters.take("touchpoint", n), 10)
    campaigns = np.array([c.campaign_id for c in b.world.campaigns] + [""], dtype=object)
    return {
        "source_system": pa.array(["hubspot"] * n),
        "source_id": tp,
        "touchpoint_id": tp,
        "contact_id": _take(b.hs_contact(np.maximum(contact, 0)), np.arange(n), has_contact),
        "anonymous_id": _take(
            ids.anonymous_ids(np.maximum(t.cookie, 0)), np.arange(n), t.cookie >= 0
        ),
        "account_id": pa.nulls(n, pa.string()),
        "ts": format_times(t.ts, "iso"),
        "channel": np.array(params.ALL_CHANNELS, dtype=object)[t.channel],
        "campaign_id": campaigns[t.campaign],
        "source": _SOURCE[t.channel].astype(object),
        "medium": _MEDIUM[t.channel].astype(object),
        "touch_type": t.touch_type,
        "team": np.array(TEAMS, dtype=object)[t.team],
    }


def lifecycle_events(b: Block, counters: Counters) -> dict[str, pa.Array]:
    """Columns of ``accord-lifecycle_events.csv``: sales' decisions, re-MQLs, deal
    outcomes and churn."""
    ev, le, d, bi = b.leads.events, b.leads, b.deals, b.billing
    reps = [r.name for r in params.REPS]
    lead_ids = b.sf_lead(ev.lead).to_pylist()
    person = le.person[ev.lead]
    hs = b.hs_contact(np.maximum(b.hs_primary[person], 0)).to_pylist()
    is_hs = ev.actor < 0
    contact = [h if m else s for m, h, s in zip(is_hs.tolist(), hs, lead_ids, strict=True)]
    rows: dict[str, list[object]] = {
        "system": ["hubspot" if m else "salesforce" for m in is_hs.tolist()],
        "contact": list(contact),
        "account": [""] * ev.lead.size,
        "stage": list(ev.stage),
        "ts": list(ev.ts),
        "actor": ["hubspot" if a < 0 else reps[a] for a in ev.actor.tolist()],
        "team": ["marketing" if m else "sales" for m in is_hs.tolist()],
        "reason": [REASON_CODES[r] if r >= 0 else "" for r in ev.reason.tolist()],
    }

    def add(
        system: str,
        contact: list[str],
        account: list[str],
        stage: list[str],
        ts: np.ndarray,
        actor: list[str],
        team: str,
        reason: list[str],
    ) -> None:
        rows["system"] += [system] * ts.size
        rows["contact"] += contact
        rows["account"] += account
        rows["stage"] += stage
        rows["ts"] += ts.tolist()
        rows["actor"] += actor
        rows["team"] += [team] * ts.size
        rows["reason"] += reason

    deal_contact = b.sf_lead(d.lead).to_pylist()
    deal_account = b.sf_account(d.account).to_pylist()
    owners = [reps[o] for o in d.owner.tolist()]
    add(
        "salesforce",
        deal_contact,
        deal_account,
        ["opportunity"] * len(d),
        d.created,
        owners,
        "sales",
        [""] * len(d),
    )
    won = np.flatnonzero(d.won)
    add(
        "salesforce",
        [deal_contact[i] for i in won],
        [deal_account[i] for i in won],
        ["customer"] * won.size,
        d.closed[won],
        [owners[i] for i in won],
        "sales",
        [""] * won.size,
    )
    lost = np.flatnonzero(d.is_closed & ~d.won)
    add(
        "salesforce",
        [deal_contact[i] for i in lost],
        [deal_account[i] for i in lost],
        ["lost"] * lost.size,
        d.closed[lost],
        [owners[i] for i in lost],
        "sales",
        [d.lost_reason[i].lower().replace(" ", "_") for i in lost],
    )
    from accord.simulate.billing import CHURN_REASONS

    gone = np.flatnonzero(bi.churned)
    add(
        "salesforce",
        [""] * gone.size,
        b.sf_account(bi.account[gone]).to_pylist(),
        ["churned"] * gone.size,
        bi.end[gone],
        [reps[c] for c in b.accounts.csm[bi.account[gone]].tolist()],
        "service",
        [CHURN_REASONS[r] for r in bi.churn_reason[gone].tolist()],
    )
    ts = np.array(rows["ts"], dtype=np.int64)
    order = np.argsort(ts, kind="stable")
    system = np.array(rows["system"], dtype=object)[order]
    sf = system == "salesforce"
    event_id = np.empty(ts.size, dtype=object)
    event_id[sf] = ids.salesforce_ids("017", counters.take("sf_history", int(sf.sum()))).to_pylist()
    event_id[~sf] = ids.prefixed_ids(
        "hs-lc-", counters.take("hs_event", int((~sf).sum())), 9
    ).to_pylist()
    pick = [rows[k] for k in ("contact", "account", "stage", "actor", "team", "reason")]
    c, a, s, ac, tm, r = ([col[i] for i in order.tolist()] for col in pick)
    return {
        "source_system": system,
        "source_id": event_id,
        "event_id": event_id,
        "contact_id": c,
        "account_id": a,
        "stage": s,
        "ts": format_times(ts[order], "iso"),
        "actor": ac,
        "team": tm,
        "reason": r,
    }


def activities(b: Block, ae: dict[str, np.ndarray], counters: Counters) -> dict[str, pa.Array]:
    """Columns of ``accord-activities.csv``: SDR attempts and AE meetings."""
    le, d = b.leads, b.deals
    n_sdr, n_ae = le.activity_ts.size, ae["ts"].size
    lead = np.concatenate([le.activity_lead, d.lead[ae["deal"]]])
    rep = np.concatenate([le.owner[le.activity_lead], d.owner[ae["deal"]]])
    account = b.sf_account(d.account[ae["deal"]]).to_pylist()
    outcome = np.array(["completed", "no_show"], dtype=object)[
        (b.rng(Concern.ACTIVITIES).random(n_ae) < 0.08).astype(np.int64)
    ]
    ts = np.concatenate([le.activity_ts, ae["ts"]])
    order = np.lexsort((ts, lead))
    act = ids.salesforce_ids("00T", counters.take("sf_task", ts.size))
    reps = np.array([r.name for r in params.REPS], dtype=object)
    return {
        "source_system": pa.array(["salesforce"] * ts.size),
        "source_id": act,
        "activity_id": act,
        "contact_id": b.sf_lead(lead[order]),
        "account_id": np.array([""] * n_sdr + account, dtype=object)[order],
        "rep_id": reps[rep[order]],
        "ts": format_times(ts[order], "iso"),
        "type": np.concatenate([le.activity_type, ae["type"]])[order],
        "outcome": np.concatenate([le.activity_outcome, outcome])[order],
    }


def exposures(b: Block, counters: Counters) -> dict[str, pa.Array]:
    """Columns of ``accord-exposures.csv`` for the three planted experiments."""
    cookie, treated, ts = b.journeys.exposures
    le, bi = b.leads, b.billing
    lead_rows = np.flatnonzero(le.exposed)
    units = pa.concat_arrays(
        [ids.anonymous_ids(cookie), b.sf_lead(lead_rows), b.workspace(bi.account[bi.exposed])]
    )
    arm = np.concatenate([treated, le.treated[lead_rows], bi.treated[bi.exposed]])
    when = np.concatenate([ts, le.created[lead_rows], bi.start[bi.exposed] + HOUR])
    exp = np.repeat(
        [e.experiment_id for e in params.EXPERIMENTS],
        [cookie.size, lead_rows.size, int(bi.exposed.sum())],
    ).astype(object)
    live = when < b.world.t1
    n = int(live.sum())
    src = ids.prefixed_ids("exp_", counters.take("exposure", n), 9)
    return {
        "source_system": pa.array(["growthbook"] * n),
        "source_id": src,
        "experiment_id": exp[live],
        "variant": np.where(arm, "treatment", "control")[live],
        "unit_id": units.filter(pa.array(live)),
        "ts": format_times(when[live], "iso"),
    }
