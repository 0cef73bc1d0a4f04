"""How an SDR handles a lead handed to them: first touch, attempts, the decision.

First touch (from the hand-off, i.e. the MQL): within 24 h with probability
``1 - rep.breach``, log-normal with median ``rep.median_hours`` (sigma 0.9) capped below
24 h; otherwise a breach: never touched with probability ``rep.never``, else 24 h plus
a log-normal delay (median 20 h, sigma 0.8). Planned attempts: ``1 + Poisson(rep.attempts
- 1)`` (at most 10), spread uniformly over the 14 days after the hand-off; each connects
with probability 0.3. The decision comes at the first connection (+0.5 h to 2 d), or
1-3 days after the last attempt; attempts after the decision are not made. Leads never
touched are closed 14-21 days after the hand-off.

Acceptance is logistic in the lead-quality drivers of ``params.LEAD_QUALITY``; a
rejection's reason follows fixed rules (duplicate, competitor, student, no response) or
weights that depend on the lead (bad fit for tiny or non-ICP companies, no budget for
SMB, wrong contact for individual contributors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import params
from accord.simulate.arrays import group_starts, sigmoid
from accord.simulate.clock import DAY, HOUR

__all__ = ["REASON_CODES", "Handling", "LeadFeatures", "handle"]

REASON_CODES = tuple(r.code for r in params.REASONS)
_R = {code: i for i, code in enumerate(REASON_CODES)}
CONNECT_RATE = 0.3
ACTIVITY_TYPES = ("call", "email", "linkedin", "sms")
ACTIVITY_WEIGHTS = np.cumsum([0.5, 0.35, 0.1, 0.05])


@dataclass(frozen=True, slots=True)
class LeadFeatures:
    """What the decision depends on, one row per hand-off."""

    rep: np.ndarray
    handoff: np.ndarray
    accept_logit: np.ndarray
    forced: np.ndarray
    """Reason code forced on the lead (duplicate, competitor, student) or -1."""
    segment: np.ndarray
    micro_or_off_icp: np.ndarray
    individual: np.ndarray


@dataclass(frozen=True, slots=True)
class Handling:
    """Outcome per hand-off plus the attempts made (ragged, by ``attempt_owner``)."""

    first_touch: np.ndarray
    """Seconds after the hand-off of the first attempt (``inf`` when never touched)."""
    planned_attempts: np.ndarray
    decided_at: np.ndarray
    accepted: np.ndarray
    reason: np.ndarray
    """Index into :data:`REASON_CODES` for rejections, -1 when accepted."""
    connected: np.ndarray
    p_accept: np.ndarray
    attempt_owner: np.ndarray
    attempt_ts: np.ndarray
    attempt_type: np.ndarray
    attempt_outcome: np.ndarray


def _first_touch(rng: np.random.Generator, rep: np.ndarray) -> np.ndarray:
    reps = params.REPS
    breach_p = np.array([r.breach for r in reps])[rep]
    median = np.array([r.median_hours for r in reps])[rep]
    never_p = np.array([r.never for r in reps])[rep]
    n = rep.size
    within = np.minimum(median * HOUR * rng.lognormal(0, 0.9, n), rng.uniform(20, 23.9, n) * HOUR)
    late = 24 * HOUR + 20 * HOUR * rng.lognormal(0, 0.8, n)
    breach = rng.random(n) < breach_p
    never = breach & (rng.random(n) < never_p)
    delay = np.where(breach, late, np.maximum(within, 60.0))
    return np.where(never, np.inf, delay)


def _reason(rng: np.random.Generator, f: LeadFeatures, connected: np.ndarray) -> np.ndarray:
    n = f.rep.size
    w = np.zeros((n, len(REASON_CODES)))
    w[:, _R["bad_fit"]] = 1 + 3 * f.micro_or_off_icp
    w[:, _R["no_budget"]] = 1 + 1.5 * (f.segment == 0)
    w[:, _R["not_ready"]] = 2.0
    w[:, _R["wrong_contact"]] = 1 + 2 * f.individual
    cdf = np.cumsum(w, axis=1)
    drawn = (rng.random(n)[:, None] * cdf[:, -1:] > cdf).sum(axis=1)
    silent = ~connected & (rng.random(n) < 0.8)
    return np.where(f.forced >= 0, f.forced, np.where(silent, _R["no_response"], drawn))


def handle(rng: np.random.Generator, f: LeadFeatures) -> Handling:
    """Work each handed-off lead (see module docstring)."""
    n = f.rep.size
    delay = _first_touch(rng, f.rep)
    never = np.isinf(delay)
    planned_mean = np.array([r.attempts for r in params.REPS])[f.rep]
    planned = np.where(never, 0, np.minimum(1 + rng.poisson(np.maximum(planned_mean - 1, 0)), 10))
    owner = np.repeat(np.arange(n), planned)
    starts = group_starts(planned)
    first_abs = f.handoff + np.where(never, 0, delay).astype(np.int64)
    room = np.maximum(14 * DAY - np.where(never, 0, delay), HOUR)
    offsets = (rng.random(owner.size) * room[owner]).astype(np.int64)
    offsets[starts[planned > 0]] = 0
    order = np.lexsort((offsets, owner))
    ts = first_abs[owner] + offsets[order]
    hit = rng.random(owner.size) < CONNECT_RATE
    hit_idx = np.flatnonzero(hit)
    who, first_hit = np.unique(owner[hit_idx], return_index=True)
    connect_ts = np.full(n, -1, dtype=np.int64)
    connect_ts[who] = ts[hit_idx[first_hit]]
    connected = connect_ts >= 0
    last_idx = np.clip(starts + planned - 1, 0, max(ts.size - 1, 0))
    last_ts = np.where(planned > 0, ts[last_idx] if ts.size else 0, f.handoff)
    decided = np.where(
        connected,
        connect_ts + rng.integers(HOUR // 2, 2 * DAY, n),
        np.where(
            never,
            f.handoff + rng.integers(14 * DAY, 21 * DAY, n),
            last_ts + rng.integers(DAY, 3 * DAY, n),
        ),
    )
    made = ts <= decided[owner]
    p_accept = sigmoid(f.accept_logit)
    accepted = (f.forced < 0) & (rng.random(n) < p_accept)
    reason = np.where(accepted, -1, _reason(rng, f, connected))
    kind = np.searchsorted(ACTIVITY_WEIGHTS, rng.random(owner.size) * 0.9999)
    outcome = np.where(
        hit,
        np.where(kind == 0, "connected", "replied"),
        np.where(
            kind == 0, np.where(rng.random(owner.size) < 0.5, "no_answer", "left_voicemail"), "sent"
        ),
    )
    return Handling(
        first_touch=delay,
        planned_attempts=planned,
        decided_at=decided,
        accepted=accepted,
        reason=reason,
        connected=connected,
        p_accept=p_accept,
        attempt_owner=owner[made],
        attempt_ts=ts[made],
        attempt_type=np.array(ACTIVITY_TYPES, dtype=object)[kind[made]],
        attempt_outcome=outcome[made].astype(object),
    )
