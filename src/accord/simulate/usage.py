"""Product usage of customers: a workspace per customer and its users' events.

Users are the customer's people (at most 4 / 10 / 25 by segment), joining in the first
30 days. A user makes ``Poisson(lambda * weeks)`` events while the subscription runs,
``lambda = 0.5 * exp(-0.8 z)`` a week, where ``z`` is the customer's churn probability
theta standardised by its segment's Beta(alpha, beta) mean and standard deviation: the
customers who will churn use the product less (planted, see ``ground_truth.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from accord.simulate import params
from accord.simulate.accounts import Accounts
from accord.simulate.billing import Billing
from accord.simulate.clock import DAY, HOUR
from accord.simulate.people import People
from accord.simulate.truth import Tally
from accord.simulate.world import World

__all__ = ["EVENTS", "Usage", "churn_z", "make_usage"]

USER_CAP: Final = (4, 10, 25)
USAGE_RATE: Final = 0.5
"""Events per user and week of an average customer."""
EVENTS: Final = (
    ("login", "auth", 0.35),
    ("dashboard_viewed", "dashboards", 0.25),
    ("report_created", "reports", 0.12),
    ("export_csv", "reports", 0.08),
    ("forecast_viewed", "forecasting", 0.08),
    ("alert_configured", "alerts", 0.05),
    ("user_invited", "admin", 0.04),
    ("integration_connected", "integrations", 0.03),
)


@dataclass(frozen=True, slots=True)
class Usage:
    """Product users (``user_customer``/``user_person``) and their events."""

    user_customer: np.ndarray
    user_person: np.ndarray
    user_joined: np.ndarray
    event_user: np.ndarray
    event_ts: np.ndarray
    event_kind: np.ndarray


def churn_z(billing: Billing, accounts: Accounts) -> np.ndarray:
    """Churn probability standardised within the customer's segment's Beta prior."""
    ret = {r.segment: r for r in params.RETENTION}
    spec = [ret[params.SEGMENTS[s].name] for s in accounts.segment[billing.account].tolist()]
    a = np.array([r.alpha for r in spec])
    b = np.array([r.beta for r in spec])
    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    z: np.ndarray = np.clip((billing.theta - mean) / np.maximum(sd, 1e-9), -3, 3)
    return z


def make_usage(
    world: World,
    accounts: Accounts,
    people: People,
    billing: Billing,
    rng: np.random.Generator,
    truth: Tally,
) -> Usage:
    """Users and events of the block's customers."""
    by_account: dict[int, np.ndarray] = {}
    eligible = np.flatnonzero(~people.student)
    order = np.argsort(people.account[eligible], kind="stable")
    acc_sorted = people.account[eligible][order]
    bounds = np.searchsorted(acc_sorted, np.arange(len(accounts) + 1))
    for a in np.unique(billing.account):
        by_account[int(a)] = eligible[order][bounds[a] : bounds[a + 1]]
    users_c: list[np.ndarray] = []
    users_p: list[np.ndarray] = []
    for i, a in enumerate(billing.account.tolist()):
        pool = by_account[a]
        cap = USER_CAP[accounts.segment[a]]
        chosen = rng.permutation(pool)[:cap]
        users_c.append(np.full(chosen.size, i, dtype=np.int64))
        users_p.append(chosen)
    user_customer = np.concatenate(users_c) if users_c else np.zeros(0, np.int64)
    user_person = np.concatenate(users_p) if users_p else np.zeros(0, np.int64)
    joined = billing.start[user_customer] + rng.integers(HOUR, 30 * DAY, user_customer.size)
    until = np.minimum(billing.end[user_customer], world.t1)
    weeks = np.maximum(until - joined, 0) / (7 * DAY)
    z = churn_z(billing, accounts)
    lam = USAGE_RATE * np.exp(-0.8 * z[user_customer])
    count = rng.poisson(lam * weeks)
    owner = np.repeat(np.arange(user_customer.size), count)
    span = np.maximum(until - joined, 1)[owner]
    ts = joined[owner] + (rng.random(owner.size) * span).astype(np.int64)
    weights = np.array([w for _, _, w in EVENTS])
    kind = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(owner.size))
    churned = billing.churned[user_customer]
    truth.add(
        "usage",
        "churned",
        events=float(count[churned].sum()),
        user_weeks=float(weeks[churned].sum()),
    )
    truth.add(
        "usage",
        "retained",
        events=float(count[~churned].sum()),
        user_weeks=float(weeks[~churned].sum()),
    )
    return Usage(
        user_customer=user_customer,
        user_person=user_person,
        user_joined=joined,
        event_user=owner,
        event_ts=ts,
        event_kind=kind,
    )
