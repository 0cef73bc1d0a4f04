"""Support tickets (Zendesk) and the customer's voice (surveys, reviews, sales notes).

Tickets: ``Poisson(0.3 * size * exp(0.6 z) * months)`` per customer (size 0.6 / 1 / 2 by
segment, ``z`` as in ``usage.churn_z``), raised by one of the customer's product users.
Themes lean to performance, support quality and data quality for customers likely to
churn. CSAT is offered on solved tickets; 40 % answer; "Bad" with probability
``sigmoid(-1.5 + 1.2 z + 0.8 negative-theme + 0.6 slow)``.

Feedback: NPS every quarter per user (25 % answer; score ~ 8.2 - 1.8 z + noise),
a review from 8 % of customers, and a sales note on every closed opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import text
from accord.simulate.accounts import Accounts
from accord.simulate.arrays import sigmoid
from accord.simulate.billing import Billing
from accord.simulate.clock import DAY, HOUR
from accord.simulate.deals import Deals
from accord.simulate.usage import Usage, churn_z
from accord.simulate.world import World

__all__ = ["Tickets", "Voice", "make_tickets", "make_voice"]

_NEG_THEMES = np.array(
    [
        t in ("performance", "support_quality", "data_quality", "salesforce_sync")
        for t in text.THEMES
    ]
)
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("question", "incident", "problem", "task")


@dataclass(frozen=True, slots=True)
class Tickets:
    """One row per ticket; ``user`` is a row of :class:`Usage` users."""

    user: np.ndarray
    opened: np.ndarray
    solved: np.ndarray
    theme: np.ndarray
    positive: np.ndarray
    priority: np.ndarray
    kind: np.ndarray
    csat: list[str]
    subject: list[str]
    body: list[str]


def make_tickets(
    world: World, accounts: Accounts, billing: Billing, usage: Usage, rng: np.random.Generator
) -> Tickets:
    """Tickets of the block's customers."""
    z = churn_z(billing, accounts)
    size = np.array([0.6, 1.0, 2.0])[accounts.segment[billing.account]]
    months = np.maximum(np.minimum(billing.end, world.t1) - billing.start, 0) / (30.4 * DAY)
    has_users = np.bincount(usage.user_customer, minlength=len(billing)) > 0
    count = np.where(has_users, rng.poisson(0.3 * size * np.exp(0.6 * z) * months), 0)
    cust = np.repeat(np.arange(len(billing)), count)
    span = np.maximum(np.minimum(billing.end, world.t1) - billing.start, 1)[cust]
    opened = billing.start[cust] + (rng.random(cust.size) * span).astype(np.int64)
    first_user = np.searchsorted(usage.user_customer, cust)
    n_users = np.bincount(usage.user_customer, minlength=len(billing))[cust]
    user = first_user + (rng.random(cust.size) * n_users).astype(np.int64)
    w = np.ones((cust.size, len(text.THEMES)))
    w[:, _NEG_THEMES] *= np.exp(0.7 * z[cust])[:, None]
    cdf = np.cumsum(w, axis=1)
    theme = (rng.random(cust.size)[:, None] * cdf[:, -1:] > cdf).sum(axis=1)
    positive = rng.random(cust.size) < 0.1
    priority = np.searchsorted(np.cumsum([0.2, 0.55, 0.2, 0.05]), rng.random(cust.size) * 0.999)
    kind = np.searchsorted(np.cumsum([0.45, 0.3, 0.15, 0.1]), rng.random(cust.size) * 0.999)
    hours = np.array([40.0, 20.0, 8.0, 3.0])[priority] * rng.lognormal(0, 0.9, cust.size)
    solved = opened + (hours * HOUR).astype(np.int64)
    slow = hours > 48
    p_bad = sigmoid(-1.5 + 1.2 * z[cust] + 0.8 * _NEG_THEMES[theme] + 0.6 * slow)
    answered = rng.random(cust.size) < 0.4
    bad = rng.random(cust.size) < p_bad
    done = solved < world.t1
    csat = [
        ("Bad" if b else "Good") if a else "Offered" if d else "Unoffered"
        for a, b, d in zip((answered & done).tolist(), bad.tolist(), done.tolist(), strict=True)
    ]
    picks = rng.integers(0, 100, cust.size)
    subject = [text.subject(t, p) for t, p in zip(theme.tolist(), picks.tolist(), strict=True)]
    body = text.compose(rng, theme, positive, letter=True)
    return Tickets(
        user=user,
        opened=opened,
        solved=solved,
        theme=theme,
        positive=positive,
        priority=priority,
        kind=kind,
        csat=csat,
        subject=subject,
        body=body,
    )


@dataclass(frozen=True, slots=True)
class Voice:
    """Feedback rows: ``kind`` 0 NPS (by ``user``), 1 review (by ``customer``), 2 sales
    note (by ``deal``)."""

    kind: np.ndarray
    user: np.ndarray
    customer: np.ndarray
    deal: np.ndarray
    ts: np.ndarray
    rating: np.ndarray
    theme: np.ndarray
    positive: np.ndarray
    body: list[str]


def make_voice(
    world: World,
    accounts: Accounts,
    billing: Billing,
    usage: Usage,
    deals: Deals,
    rng: np.random.Generator,
) -> Voice:
    """Surveys, reviews and sales notes of the block."""
    z = churn_z(billing, accounts)
    until = np.minimum(billing.end, world.t1)[usage.user_customer]
    quarters = np.maximum((until - usage.user_joined) // (91 * DAY), 0)
    q_owner = np.repeat(np.arange(usage.user_customer.size), quarters)
    q_index = np.arange(q_owner.size) - np.repeat(np.cumsum(quarters) - quarters, quarters)
    answer = rng.random(q_owner.size) < 0.25
    q_owner, q_index = q_owner[answer], q_index[answer]
    nps_ts = (
        usage.user_joined[q_owner]
        + (q_index + 1) * 91 * DAY
        + rng.integers(0, 5 * DAY, q_owner.size)
    )
    zc = z[usage.user_customer[q_owner]]
    score = np.clip(np.round(8.2 - 1.8 * zc + rng.normal(0, 1.5, q_owner.size)), 0, 10)
    rev = np.flatnonzero(rng.random(len(billing)) < 0.08)
    rev_ts = billing.start[rev] + rng.integers(60 * DAY, 300 * DAY, rev.size)
    stars = np.clip(np.round(4.3 - 0.9 * z[rev] + rng.normal(0, 0.7, rev.size)), 1, 5)
    closed = np.flatnonzero(deals.is_closed)
    kind = np.concatenate(
        [
            np.zeros(q_owner.size, np.int64),
            np.ones(rev.size, np.int64),
            np.full(closed.size, 2, np.int64),
        ]
    )
    ts = np.concatenate(
        [nps_ts, rev_ts, deals.closed[closed] + rng.integers(HOUR, DAY, closed.size)]
    )
    rating = np.concatenate([score, stars, np.full(closed.size, np.nan)])
    positive = np.concatenate([score >= 9, stars >= 4, deals.won[closed]])
    theme = rng.integers(0, len(text.THEMES), kind.size)
    lost = [deals.lost_reason[i] for i in closed.tolist()]
    by_reason = {"Price": 0, "Competitor": 3, "No Decision": 1, "Timing": 0, "Missing Features": 6}
    theme[kind == 2] = [
        by_reason.get(r, int(t)) for r, t in zip(lost, theme[kind == 2], strict=True)
    ]
    body = text.compose(rng, theme, positive, letter=False)
    silent = (kind == 0) & (rng.random(kind.size) < 0.4)
    body = ["" if s else b for s, b in zip(silent.tolist(), body, strict=True)]
    keep = ts < world.t1
    pick = np.flatnonzero(keep)
    return Voice(
        kind=kind[pick],
        user=np.concatenate([q_owner, np.full(rev.size + closed.size, -1)])[pick],
        customer=np.concatenate([np.full(q_owner.size, -1), rev, np.full(closed.size, -1)])[pick],
        deal=np.concatenate([np.full(q_owner.size + rev.size, -1), closed])[pick],
        ts=ts[pick],
        rating=rating[pick],
        theme=theme[pick],
        positive=positive[pick],
        body=[body[i] for i in pick.tolist()],
    )
