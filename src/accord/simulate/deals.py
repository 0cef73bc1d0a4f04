"""Opportunities: what qualified leads turn into.

Converting a qualified lead (SQL) creates an opportunity with probability 0.9 unless the
account already has one open or is already a customer (the lead then joins the account).
The opportunity is created 0-2 days after the SQL, owned by the account's AE, worth the
segment's annual contract value (log-normal, a multiple of $1,200), and closes after a
Gamma(2) cycle with the segment's mean length. It is won with probability
``sigmoid(win_intercept + segment.win + win_source[lead source])``; a loss gets a reason
from ``params.DEALS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import params
from accord.simulate.accounts import Accounts
from accord.simulate.arrays import sigmoid
from accord.simulate.clock import DAY, HOUR, MISSING
from accord.simulate.counters import Counters
from accord.simulate.leads import Leads
from accord.simulate.people import INBOUND, OUTBOUND, People
from accord.simulate.truth import Tally
from accord.simulate.world import World

__all__ = ["OPEN_STAGES", "Deals", "make_deals"]

OPEN_STAGES = (
    ("Prospecting", 10),
    ("Qualification", 20),
    ("Needs Analysis", 40),
    ("Proposal/Price Quote", 60),
    ("Negotiation/Review", 80),
)
SOURCING_TEAMS = ("marketing", "sales", "partners")


@dataclass(frozen=True, slots=True)
class Deals:
    """One row per opportunity of the block."""

    counter: np.ndarray
    lead: np.ndarray
    """Row in :class:`Leads` of the converted lead that created it."""
    account: np.ndarray
    created: np.ndarray
    closed: np.ndarray
    """Close time (expected close date when still open at the end of the window)."""
    is_closed: np.ndarray
    won: np.ndarray
    amount: np.ndarray
    stage: list[str]
    probability: np.ndarray
    lost_reason: list[str]
    owner: np.ndarray
    sourcing_team: np.ndarray

    def __len__(self) -> int:
        return int(self.counter.size)


def make_deals(
    world: World,
    accounts: Accounts,
    people: People,
    leads: Leads,
    rng: np.random.Generator,
    counters: Counters,
    truth: Tally,
) -> Deals:
    """Create the block's opportunities from its converted leads."""
    q = params.LEAD_QUALITY
    sql = np.flatnonzero(leads.sql_at != MISSING)
    acct = people.account[leads.person[sql]]
    order = np.lexsort((leads.sql_at[sql], acct))
    sql, acct = sql[order], acct[order]
    seg = accounts.segment[acct]
    u_opp = rng.random(sql.size)
    offset = rng.integers(HOUR, 2 * DAY, sql.size)
    cycle_mean = np.array([s.cycle_days_mean for s in params.SEGMENTS])[seg]
    cycle = (rng.gamma(2.0, cycle_mean / 2.0) * DAY).astype(np.int64) + 3 * DAY
    win_source = dict(q.win_source)
    src_term = np.array([win_source.get(c, 0.0) for c in params.ALL_CHANNELS])
    p_win = sigmoid(
        q.win_intercept
        + np.array([s.win for s in params.SEGMENTS])[seg]
        + src_term[leads.source[sql]]
    )
    u_win = rng.random(sql.size)
    acv = np.array([s.acv_median for s in params.SEGMENTS])[seg]
    sigma = np.array([s.acv_sigma for s in params.SEGMENTS])[seg]
    amount = np.maximum(np.round(acv * rng.lognormal(0, sigma) / 1_200), 1) * 1_200  # MRR in $100s
    lost_pick = rng.choice(len(params.DEALS.lost_reasons), sql.size, p=params.DEALS.lost_weights)

    chosen: list[int] = []
    open_until = np.full(len(accounts), np.iinfo(np.int64).min, dtype=np.int64)
    customer = np.zeros(len(accounts), dtype=bool)
    for i in range(sql.size):
        a = acct[i]
        t = leads.sql_at[sql[i]]
        if customer[a] or t < open_until[a] or u_opp[i] >= q.opportunity_rate:
            continue
        created = t + offset[i]
        if created >= world.t1:
            continue
        chosen.append(i)
        open_until[a] = created + cycle[i]
        if u_win[i] < p_win[i] and created + cycle[i] < world.t1:
            customer[a] = True
    pick = np.array(chosen, dtype=np.int64)
    created = leads.sql_at[sql[pick]] + offset[pick]
    closed = created + cycle[pick]
    is_closed = closed < world.t1
    won = is_closed & (u_win[pick] < p_win[pick])
    elapsed = np.clip((world.t1 - created) / np.maximum(closed - created, 1), 0, 0.999)
    stage_i = (elapsed * len(OPEN_STAGES)).astype(np.int64)
    stage = [
        ("Closed Won" if w else "Closed Lost") if c else OPEN_STAGES[s][0]
        for c, w, s in zip(is_closed.tolist(), won.tolist(), stage_i.tolist(), strict=True)
    ]
    probability = np.where(
        is_closed, np.where(won, 100, 0), np.array([p for _, p in OPEN_STAGES])[stage_i]
    )
    lost_reason = [
        params.DEALS.lost_reasons[r] if c and not w else ""
        for c, w, r in zip(is_closed.tolist(), won.tolist(), lost_pick[pick].tolist(), strict=True)
    ]
    origin = people.origin[leads.person[sql[pick]]]
    sourcing = np.where(origin == INBOUND, 0, np.where(origin == OUTBOUND, 1, 2))
    deal_seg = seg[pick]
    for s, spec in enumerate(params.SEGMENTS):
        sel = deal_seg == s
        closed_sel = sel & is_closed
        truth.add(
            "stages",
            "opportunity_to_won",
            spec.name,
            closed=float(closed_sel.sum()),
            won=float((won & sel).sum()),
            expected_won=float(p_win[pick][closed_sel].sum()),
            amount_won=float(amount[pick][won & sel].sum()),
        )
    truth.add("stages", "sql_to_opportunity", sqls=float(sql.size), opportunities=float(pick.size))
    truth.count_by(("sourcing",), sourcing, SOURCING_TEAMS, "pipeline", amount[pick])
    truth.count_by(("sourcing",), sourcing, SOURCING_TEAMS, "opportunities")
    truth.count_by(("sourcing",), sourcing[won], SOURCING_TEAMS, "won_amount", amount[pick][won])
    truth.count_by(("sourcing",), sourcing[won], SOURCING_TEAMS, "won")
    return Deals(
        counter=counters.take("sf_opportunity", pick.size),
        lead=sql[pick],
        account=acct[pick],
        created=created,
        closed=closed,
        is_closed=is_closed,
        won=won,
        amount=amount[pick],
        stage=stage,
        probability=probability,
        lost_reason=lost_reason,
        owner=accounts.owner[acct[pick]],
        sourcing_team=sourcing,
    )
