"""Marketing journeys and the MQL decision: the planted channel effects.

An inbound person's journey before the MQL decision has ``1 + Poisson(6)`` touches
(at most 20), spaced by exponential gaps (mean 5 days); each touch's channel is drawn from
the day's channel mix (``world.channel_cdf``). The person becomes an MQL at the end of
that journey with probability

    p = sigmoid(b0 + sum_c beta_c * 1[c in journey] + seniority + icp + experiment)

(``params.CHANNELS[*].beta``, ``MQL_INTERCEPT``, ``MQL_SENIORITY``, ``MQL_ICP_INDUSTRY``,
and +0.30 for the treatment arm of ``pricing-page-v2``). Non-converting journeys end there;
after an MQL come nurture touches (email, webinar, content) and sales' touches.

The counterfactual truth per channel, over people whose decision fell inside the window:
``incremental_mqls[c] = sum_i x_ic * (p_i - p_i^(-c))`` where ``p^(-c)`` drops the channel
(0 when it was the journey's only channel), i.e. the MQLs expected to be lost without
the channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import params
from accord.simulate.accounts import Accounts
from accord.simulate.arrays import group_starts, grouped_cumsum, sigmoid
from accord.simulate.clock import DAY, HOUR, MISSING
from accord.simulate.counters import Counters
from accord.simulate.people import INBOUND, SENIORITY, People
from accord.simulate.truth import Tally
from accord.simulate.world import World, draw_times, pick_campaigns

__all__ = ["Journeys", "Touches", "concat_touches", "make_journeys"]

N_MKT = len(params.MARKETING_CHANNELS)
OUTBOUND_CH = params.ALL_CHANNELS.index("outbound")
PARTNER_CH = params.ALL_CHANNELS.index("partner")
TEAMS = ("marketing", "sales", "partners")
_WEB = np.array([c in params.WEB_CHANNELS for c in params.ALL_CHANNELS])
_BETA = np.array([c.beta for c in params.CHANNELS])
STITCH_RATE = 0.8
SUBSCRIBER_RATE = 0.3
HUBSPOT_DUPLICATE_RATE = 0.03
VISITORS_PER_ACCOUNT = 13.0


@dataclass(frozen=True, slots=True)
class Touches:
    """Touchpoints; ``person`` is a row of the block's people or -1 (unknown visitor);
    ``record`` is 0 (no contact id), 1 (primary HubSpot record) or 2 (duplicate record)."""

    person: np.ndarray
    record: np.ndarray
    cookie: np.ndarray
    ts: np.ndarray
    channel: np.ndarray
    campaign: np.ndarray
    touch_type: np.ndarray
    team: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.size)


def concat_touches(parts: list[Touches]) -> Touches:
    """Touches of several parts, sorted by person (visitors last) and time."""
    fields = {f: np.concatenate([getattr(p, f) for p in parts]) for f in Touches.__slots__}
    big = np.iinfo(np.int64).max
    order = np.lexsort((fields["ts"], np.where(fields["person"] < 0, big, fields["person"])))
    return Touches(**{k: v[order] for k, v in fields.items()})


@dataclass(frozen=True, slots=True)
class Journeys:
    """Per person (aligned with :class:`People`) and the touches of the block so far."""

    touches: Touches
    known_at: np.ndarray
    subscriber_at: np.ndarray
    lead_at: np.ndarray
    mql_at: np.ndarray
    source: np.ndarray
    """Channel (``params.ALL_CHANNELS``) of the first touch: the lead source."""
    n_pre: np.ndarray
    cookie: np.ndarray
    duplicate_at: np.ndarray
    """When a second HubSpot record of the person was created (``MISSING``: none)."""
    sales_start: np.ndarray
    """Outbound and partner people: when sales or the partner first reached them."""
    responded_at: np.ndarray
    """Outbound people: when they answered the sequence (``MISSING``: never)."""
    exposures: tuple[np.ndarray, np.ndarray, np.ndarray]
    """``pricing-page-v2``: cookie, treatment flag, exposure time."""


def _touch_types(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    out = np.empty(channel.size, dtype=object)
    for i, ch in enumerate(params.CHANNELS):
        sel = np.flatnonzero(channel == i)
        if sel.size:
            types = np.array(ch.touch_types, dtype=object)
            out[sel] = types[rng.integers(0, types.size, sel.size)]
    return out


def _inbound(
    world: World,
    accounts: Accounts,
    people: People,
    rng: np.random.Generator,
    counters: Counters,
    truth: Tally,
) -> tuple[Touches, dict[str, np.ndarray]]:
    rows = np.flatnonzero(people.origin == INBOUND)
    m = rows.size
    t_first = draw_times(world, rng, m)
    n_pre = np.minimum(1 + rng.poisson(6.0, m), 20)
    owner = np.repeat(np.arange(m), n_pre)
    starts = group_starts(n_pre)
    ends = starts + n_pre - 1
    gap = rng.exponential(5 * DAY, owner.size).astype(np.int64)
    gap[starts] = 0
    ts = t_first[owner] + grouped_cumsum(gap, n_pre)
    day = np.clip((ts - world.t0) // DAY, 0, world.days - 1)
    channel = (rng.random(owner.size)[:, None] > world.channel_cdf[day]).sum(axis=1)
    channel = np.minimum(channel, N_MKT - 1)

    x = np.zeros((m, N_MKT), dtype=bool)
    x[owner, channel] = True
    seniority = np.array([params.MQL_SENIORITY[s] for s in SENIORITY])[people.seniority[rows]]
    icp = accounts.icp[people.account[rows]] * params.MQL_ICP_INDUSTRY
    eta = params.MQL_INTERCEPT + x @ _BETA + seniority + icp

    # pricing-page-v2: the first web touch inside the test window exposes the cookie
    exp = params.EXPERIMENTS[0]
    lo, hi = (
        world.t0 + world.month_day(exp.start_month) * DAY,
        world.t0 + world.month_day(exp.end_month) * DAY,
    )
    in_test = _WEB[channel] & (ts >= lo) & (ts < hi)
    hit = np.flatnonzero(in_test)
    who, first_hit = np.unique(owner[hit], return_index=True)
    first_touch = np.full(m, -1, dtype=np.int64)
    first_touch[who] = hit[first_hit]
    exposed = first_touch >= 0
    treated = exposed & (rng.random(m) < 0.5)
    eta = eta + treated * exp.effect

    p = sigmoid(eta)
    decided = ts[ends] + rng.integers(60, 2 * HOUR, m)
    converted = rng.random(m) < p
    eligible = decided < world.t1
    mql_at = np.where(converted & eligible, decided, MISSING)

    # counterfactual removal of each channel (only people whose decision is observed)
    only = x.sum(axis=1) == 1
    for c, ch in enumerate(params.CHANNELS):
        with_c = x[:, c] & eligible
        p_without = np.where(only, 0.0, sigmoid(eta - _BETA[c]))
        truth.add(
            "channels",
            ch.name,
            people_with=float(with_c.sum()),
            expected_mqls_with=float(p[with_c].sum()),
            incremental_mqls=float((p - p_without)[with_c].sum()),
            mqls_with=float((with_c & converted).sum()),
        )
    truth.add(
        "mql_model",
        "all",
        people=float(eligible.sum()),
        expected_mqls=float(p[eligible].sum()),
        mqls=float((converted & eligible).sum()),
    )
    for arm, sel in (("control", exposed & ~treated), ("treatment", treated)):
        sel = sel & eligible
        truth.add(
            "experiments",
            exp.experiment_id,
            arm,
            units=float(sel.sum()),
            conversions=float((converted & sel).sum()),
            expected=float(p[sel].sum()),
        )

    # becoming known, subscriber -> lead
    j_known = np.minimum((rng.random(m) ** 2 * n_pre).astype(np.int64), n_pre - 1)
    known_at = ts[starts + j_known]
    subscriber = rng.random(m) < SUBSCRIBER_RATE
    rest = n_pre - j_known - 1
    j_lead = j_known + 1 + (rng.random(m) * np.maximum(rest, 1)).astype(np.int64)
    lead_later = np.where(rest > 0, ts[starts + np.minimum(j_lead, n_pre - 1)], MISSING)
    lead_at = np.where(subscriber, lead_later, known_at)
    lead_at = np.where(
        (mql_at != MISSING) & ((lead_at == MISSING) | (lead_at > mql_at)), mql_at, lead_at
    )
    subscriber_at = np.where(subscriber, known_at, MISSING)

    cookie = counters.take("cookie", m)
    stitched = rng.random(m) < STITCH_RATE
    second = counters.take("cookie", int((~stitched).sum()))
    cookie2 = cookie.copy()
    cookie2[~stitched] = second
    pre_known = ts < known_at[owner]
    record = np.where(pre_known & ~stitched[owner], 0, 1)
    web = _WEB[channel]
    touch_cookie = np.where(web, np.where(pre_known, cookie2[owner], cookie[owner]), -1)
    ttype = _touch_types(rng, channel)
    ttype[starts + j_known] = np.where(
        web[starts + j_known], "form_submission", ttype[starts + j_known]
    )
    conv_type = np.where(rng.random(m) < 0.4, "demo_request", "form_submission")
    ttype[ends[mql_at != MISSING]] = conv_type[mql_at != MISSING]

    # nurture after an MQL
    mqls = np.flatnonzero(mql_at != MISSING)
    k = rng.poisson(2.0, mqls.size)
    n_owner = np.repeat(mqls, k)
    n_gap = rng.exponential(10 * DAY, n_owner.size).astype(np.int64) + HOUR
    n_ts = mql_at[n_owner] + grouped_cumsum(n_gap, k)
    pick = rng.random(n_owner.size)
    n_channel = np.where(
        pick < 0.6,
        params.CHANNEL_INDEX["email"],
        np.where(pick < 0.8, params.CHANNEL_INDEX["webinar"], params.CHANNEL_INDEX["content"]),
    )
    n_cookie = np.where(_WEB[n_channel], cookie[n_owner], -1)

    all_owner = np.concatenate([owner, n_owner])
    all_ts = np.concatenate([ts, n_ts])
    all_channel = np.concatenate([channel, n_channel])
    all_day = np.clip((all_ts - world.t0) // DAY, 0, world.days - 1)
    touches = Touches(
        person=rows[all_owner],
        record=np.concatenate([record, np.ones(n_owner.size, dtype=np.int64)]),
        cookie=np.concatenate([touch_cookie, n_cookie]),
        ts=all_ts,
        channel=all_channel,
        campaign=pick_campaigns(
            world, np.array(params.ALL_CHANNELS)[all_channel], all_day, rng.random(all_owner.size)
        ),
        touch_type=np.concatenate([ttype, _touch_types(rng, n_channel)]),
        team=np.zeros(all_owner.size, dtype=np.int64),
    )

    # a second HubSpot record for some people: later touches split between the two
    dup = rng.random(m) < HUBSPOT_DUPLICATE_RATE
    span = np.maximum(ts[ends] - known_at, 1)
    duplicate_at = np.where(dup, known_at + (rng.random(m) * span).astype(np.int64) + HOUR, MISSING)
    d_at = duplicate_at[all_owner]
    moved = (d_at != MISSING) & (all_ts >= d_at) & (rng.random(all_owner.size) < 0.5)
    moved &= ~np.isin(np.arange(all_owner.size), ends[mql_at != MISSING])
    touches.record[moved] = 2
    source = np.empty(m, dtype=np.int64)
    source[:] = channel[starts]
    per_person = {
        "rows": rows,
        "known_at": known_at,
        "subscriber_at": subscriber_at,
        "lead_at": lead_at,
        "mql_at": mql_at,
        "source": source,
        "n_pre": n_pre,
        "cookie": cookie,
        "duplicate_at": duplicate_at,
        "exposed": exposed,
        "treated": treated,
        "exposure_cookie": touch_cookie[np.maximum(first_touch, 0)],
        "exposure_ts": ts[np.maximum(first_touch, 0)],
    }
    return touches, per_person


def _sales_made(
    world: World, accounts: Accounts, people: People, rng: np.random.Generator
) -> tuple[Touches, dict[str, np.ndarray]]:
    """Outbound sequences by SDRs and partner referrals."""
    from accord.simulate.people import OUTBOUND, PARTNER

    rows = np.flatnonzero(people.origin != INBOUND)
    m = rows.size
    start = draw_times(world, rng, m)
    outbound = people.origin[rows] == OUTBOUND
    k = np.where(outbound, 3 + rng.integers(0, 4, m), 1)
    owner = np.repeat(np.arange(m), k)
    gap = rng.integers(2 * DAY, 4 * DAY, owner.size)
    gap[group_starts(k)] = 0
    ts = start[owner] + grouped_cumsum(gap, k)
    last = ts[group_starts(k) + k - 1]
    responded = outbound & (rng.random(m) < 0.25)
    responded_at = np.where(responded, last + rng.integers(2 * HOUR, 3 * DAY, m), MISSING)
    is_out = outbound[owner]
    channel = np.where(is_out, OUTBOUND_CH, PARTNER_CH)
    seg = accounts.segment[people.account[rows]][owner]
    seq = {c.name: c.index for c in world.campaigns}
    out_campaign = np.array(
        [
            seq["Outbound - SMB Sequence"],
            seq["Outbound - Mid-Market Sequence"],
            seq["Outbound - Enterprise Sequence"],
        ]
    )[seg]
    partners = np.array([c.index for c in world.campaigns if c.channel == "partner"])
    campaign = np.where(is_out, out_campaign, partners[rng.integers(0, partners.size, owner.size)])
    types = np.array(["sales_email", "sales_call", "linkedin_message"], dtype=object)
    ttype = np.where(is_out, types[np.arange(owner.size) % 3], "partner_referral")
    touches = Touches(
        person=rows[owner],
        record=np.ones(owner.size, dtype=np.int64),
        cookie=np.full(owner.size, -1, dtype=np.int64),
        ts=ts,
        channel=channel,
        campaign=campaign,
        touch_type=ttype.astype(object),
        team=np.where(is_out, 1, 2).astype(np.int64),
    )
    del PARTNER
    return touches, {"rows": rows, "start": start, "responded_at": responded_at}


def _visitors(
    world: World, n_accounts: int, rng: np.random.Generator, counters: Counters
) -> tuple[Touches, np.ndarray, np.ndarray]:
    """Visitors who never leave their name: anonymous web touches only."""
    v = int(rng.poisson(VISITORS_PER_ACCOUNT * n_accounts))
    cookie = counters.take("cookie", v)
    k = 1 + rng.poisson(1.5, v)
    owner = np.repeat(np.arange(v), k)
    gap = rng.exponential(3 * DAY, owner.size).astype(np.int64)
    gap[group_starts(k)] = 0
    ts = draw_times(world, rng, v)[owner] + grouped_cumsum(gap, k)
    day = np.clip((ts - world.t0) // DAY, 0, world.days - 1)
    channel = (rng.random(owner.size)[:, None] > world.channel_cdf[day]).sum(axis=1)
    channel = np.minimum(channel, N_MKT - 1)
    channel = np.where(_WEB[channel], channel, params.CHANNEL_INDEX["direct"])
    touches = Touches(
        person=np.full(owner.size, -1, dtype=np.int64),
        record=np.zeros(owner.size, np.int64),
        cookie=cookie[owner],
        ts=ts,
        channel=channel,
        campaign=pick_campaigns(
            world, np.array(params.ALL_CHANNELS)[channel], day, rng.random(owner.size)
        ),
        touch_type=_touch_types(rng, channel),
        team=np.zeros(owner.size, dtype=np.int64),
    )
    return touches, cookie, ts[group_starts(k)]


def make_journeys(
    world: World,
    accounts: Accounts,
    people: People,
    rng: np.random.Generator,
    counters: Counters,
    truth: Tally,
) -> Journeys:
    """All journeys of a block (touches after ``world.t1`` are dropped)."""
    inbound, ib = _inbound(world, accounts, people, rng, counters, truth)
    sales, sm = _sales_made(world, accounts, people, rng)
    visitors, v_cookie, v_first = _visitors(world, len(accounts), rng, counters)
    n = len(people)

    def spread(values: np.ndarray, rows: np.ndarray, fill: int = MISSING) -> np.ndarray:
        out = np.full(n, fill, dtype=np.int64)
        out[rows] = values
        return out

    source = spread(ib["source"], ib["rows"])
    source[people.origin == 1] = OUTBOUND_CH
    source[people.origin == 2] = PARTNER_CH

    # visitors inside the pricing-page test window are exposed too (no conversion possible)
    exp = params.EXPERIMENTS[0]
    lo = world.t0 + world.month_day(exp.start_month) * DAY
    hi = world.t0 + world.month_day(exp.end_month) * DAY
    v_in = (v_first >= lo) & (v_first < hi)
    v_treat = rng.random(v_in.size) < 0.5
    exposures = (
        np.concatenate([ib["exposure_cookie"][ib["exposed"]], v_cookie[v_in]]),
        np.concatenate([ib["treated"][ib["exposed"]], v_treat[v_in]]),
        np.concatenate([ib["exposure_ts"][ib["exposed"]], v_first[v_in]]),
    )
    touches = concat_touches([inbound, sales, visitors])
    keep = touches.ts < world.t1
    touches = Touches(**{f: getattr(touches, f)[keep] for f in Touches.__slots__})
    return Journeys(
        touches=touches,
        known_at=spread(ib["known_at"], ib["rows"]),
        subscriber_at=spread(ib["subscriber_at"], ib["rows"]),
        lead_at=spread(ib["lead_at"], ib["rows"]),
        mql_at=spread(ib["mql_at"], ib["rows"]),
        source=source,
        n_pre=spread(ib["n_pre"], ib["rows"], 0),
        cookie=spread(ib["cookie"], ib["rows"], -1),
        duplicate_at=spread(ib["duplicate_at"], ib["rows"]),
        sales_start=spread(sm["start"], sm["rows"]),
        responded_at=spread(sm["responded_at"], sm["rows"]),
        exposures=exposures,
    )
