"""Budget proposals: store a recommended reallocation; finance and marketing approve it.

A proposal is approved when a lead of the finance team **and** a lead of the marketing
team have approved it (one approval per team; the same rule as
``accord.web.permissions.Action.APPROVE_BUDGET``). Any one of those leads can reject it,
with a reason; a rejected or approved proposal is closed and stays as it is (a new
proposal replaces it). Every step is a decision row kept with the proposal and an entry
in the audit log.

The web app calls :func:`propose`, :func:`approve` and :func:`reject` with the signed-in
user's name; the CLI passes ``--as``.
"""

from __future__ import annotations

from typing import Any

from accord.data.state import StateStore
from accord.data.state.budget_proposals import (
    ProposalRecord,
    add_decision,
    add_proposal,
    get_proposal,
    list_proposals,
)
from accord.data.state.people import UserRecord, check_actor
from accord.errors import Conflict, InputError, PermissionDenied
from accord.workflows.budget import Recommendation

__all__ = [
    "APPROVING_TEAMS",
    "approve",
    "missing_approvals",
    "proposal",
    "proposals",
    "propose",
    "reject",
]

APPROVING_TEAMS: tuple[str, ...] = ("finance", "marketing")
"""Teams whose lead must approve a budget proposal."""


def _channels(rec: Recommendation) -> list[dict[str, Any]]:
    periods = rec.allocation.periods
    return [
        {
            "channel": c.channel,
            "before": c.historical_spend,
            "after": c.spend,
            "change": c.spend - c.historical_spend,
            "response_before": c.historical_response * periods,
            "response_after": c.response * periods,
            "marginal_return": c.marginal_return,
        }
        for c in rec.allocation.channels
    ]


def propose(
    store: StateStore, rec: Recommendation, *, user: str, note: str | None = None
) -> ProposalRecord:
    """Store *rec* as a new proposal by *user* (an active Accord user), awaiting approval."""
    with store.session() as session:
        check_actor(session, user)
        return add_proposal(
            session,
            budget=rec.allocation.budget,
            periods=rec.allocation.periods,
            target=rec.model.panel.target_name,
            channels=_channels(rec),
            expected_response=rec.allocation.response,
            historical_response=rec.allocation.historical_response,
            note=note,
            actor=user,
        )


def proposals(store: StateStore, *, status: str | None = None) -> list[ProposalRecord]:
    """Every proposal, oldest first (optionally only those of *status*)."""
    with store.session() as session:
        return list_proposals(session, status=status)


def proposal(store: StateStore, proposal_id: int) -> ProposalRecord:
    """One proposal with its decisions."""
    with store.session() as session:
        return get_proposal(session, proposal_id)


def missing_approvals(record: ProposalRecord) -> tuple[str, ...]:
    """The approving teams that have not approved *record* yet."""
    done = {d.team for d in record.decisions if d.decision == "approve"}
    return tuple(t for t in APPROVING_TEAMS if t not in done)


def _decider(user: UserRecord) -> None:
    if user.role != "lead" or user.team not in APPROVING_TEAMS:
        raise PermissionDenied(
            f"{user.name} ({user.role} of {user.team}) cannot decide a budget proposal.",
            hint="A lead of finance and a lead of marketing approve budget proposals.",
        )


def _open(record: ProposalRecord) -> None:
    if record.status != "proposed":
        raise Conflict(
            f"Budget proposal {record.id} is already {record.status}.",
            hint="`accord budget propose` makes a new proposal.",
        )


def approve(store: StateStore, proposal_id: int, user: str) -> ProposalRecord:
    """Approve proposal *proposal_id* for *user*'s team (finance or marketing lead).

    Returns
    -------
    ProposalRecord
        The proposal after the decision: ``approved`` once both teams have approved.

    Raises
    ------
    PermissionDenied
        *user* is not a lead of finance or marketing.
    Conflict
        The proposal is closed, or *user*'s team has already approved it.
    NotFound
        No such user or proposal.
    """
    with store.session() as session:
        actor = check_actor(session, user)
        _decider(actor)
        record = get_proposal(session, proposal_id)
        _open(record)
        if actor.team not in missing_approvals(record):
            raise Conflict(
                f"{actor.team} has already approved budget proposal {proposal_id}.",
                hint="It now awaits " + ", ".join(missing_approvals(record)) + ".",
            )
        remaining = [t for t in missing_approvals(record) if t != actor.team]
        return add_decision(
            session,
            proposal_id,
            user=actor.name,
            team=actor.team,
            decision="approve",
            reason=None,
            new_status="proposed" if remaining else "approved",
        )


def reject(store: StateStore, proposal_id: int, user: str, *, why: str) -> ProposalRecord:
    """Reject proposal *proposal_id* (finance or marketing lead), giving the reason *why*.

    Raises
    ------
    InputError
        No reason given.
    PermissionDenied
        *user* is not a lead of finance or marketing.
    Conflict
        The proposal is already approved or rejected.
    """
    if not why.strip():
        raise InputError("Say why the proposal is rejected.", hint='--why "too much on events"')
    with store.session() as session:
        actor = check_actor(session, user)
        _decider(actor)
        _open(get_proposal(session, proposal_id))
        return add_decision(
            session,
            proposal_id,
            user=actor.name,
            team=actor.team,
            decision="reject",
            reason=why.strip(),
            new_status="rejected",
        )
