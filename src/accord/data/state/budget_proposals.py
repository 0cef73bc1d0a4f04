"""Budget proposals: a recommended reallocation of spend, awaiting finance and marketing.

A proposal stores the per-channel spend before (the historical mix scaled to the budget)
and after (the optimizer's recommendation) with the expected response of each, as the
marketing-mix model computed them when it was proposed. Decisions (approve or reject, by
whom, for which team, why) are rows of their own, so the history is kept; the rules of
who may decide live in :mod:`accord.workflows.proposals`. Every change is written to the
audit log in the same transaction.

Examples
--------
>>> from accord.data.state import StateStore
>>> store = StateStore.connect("sqlite://")
>>> _ = store.upgrade()
>>> with store.session() as session:
...     p = add_proposal(session, budget=100.0, periods=1, target="revenue",
...                      channels=[{"channel": "search", "before": 60.0, "after": 40.0}],
...                      expected_response=10.0, historical_response=9.0, note=None,
...                      actor="ana")
>>> with store.session() as session:
...     [(q.id, q.status, q.budget) for q in list_proposals(session)]
[(1, 'proposed', 100.0)]
>>> store.close()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from accord.data.state.audit import record_change
from accord.data.state.models import Base, UTCDateTime, utcnow
from accord.errors import NotFound

__all__ = [
    "DECISIONS",
    "PROPOSAL_STATUSES",
    "BudgetDecisionRow",
    "BudgetProposalRow",
    "Decision",
    "DecisionRecord",
    "ProposalRecord",
    "ProposalStatus",
    "add_decision",
    "add_proposal",
    "get_proposal",
    "list_proposals",
]

ProposalStatus = Literal["proposed", "approved", "rejected"]
Decision = Literal["approve", "reject"]
PROPOSAL_STATUSES: tuple[ProposalStatus, ...] = get_args(ProposalStatus)
DECISIONS: tuple[Decision, ...] = get_args(Decision)


class BudgetProposalRow(Base):
    """One budget proposal: the reallocation and its expected response."""

    __tablename__ = "budget_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    budget: Mapped[float] = mapped_column(Float())
    periods: Mapped[int] = mapped_column(Integer())
    target: Mapped[str] = mapped_column(String(64))
    channels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    expected_response: Mapped[float] = mapped_column(Float())
    historical_response: Mapped[float] = mapped_column(Float())
    note: Mapped[str | None] = mapped_column(Text())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decisions: Mapped[list[BudgetDecisionRow]] = relationship(
        back_populates="proposal", order_by="BudgetDecisionRow.id"
    )


class BudgetDecisionRow(Base):
    """One decision on a proposal by one user, for their team."""

    __tablename__ = "budget_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("budget_proposals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user: Mapped[str] = mapped_column(String(120))
    team: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text())

    proposal: Mapped[BudgetProposalRow] = relationship(back_populates="decisions")


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision, detached from the session."""

    at: datetime
    user: str
    team: str
    decision: Decision
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        """Plain data for JSON output and the audit log."""
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "team": self.team,
            "decision": self.decision,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    """A proposal with its decisions, detached from the session."""

    id: int
    created_at: datetime
    created_by: str
    status: ProposalStatus
    budget: float
    periods: int
    target: str
    channels: tuple[dict[str, Any], ...]
    expected_response: float
    historical_response: float
    note: str | None
    decided_at: datetime | None
    decisions: tuple[DecisionRecord, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain data for JSON output and the audit log."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "status": self.status,
            "budget": self.budget,
            "periods": self.periods,
            "target": self.target,
            "channels": list(self.channels),
            "expected_response": self.expected_response,
            "historical_response": self.historical_response,
            "note": self.note,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "decisions": [d.to_json() for d in self.decisions],
        }


def _record(row: BudgetProposalRow) -> ProposalRecord:
    status: ProposalStatus = row.status  # type: ignore[assignment]
    return ProposalRecord(
        id=row.id,
        created_at=row.created_at,
        created_by=row.created_by,
        status=status,
        budget=row.budget,
        periods=row.periods,
        target=row.target,
        channels=tuple(row.channels),
        expected_response=row.expected_response,
        historical_response=row.historical_response,
        note=row.note,
        decided_at=row.decided_at,
        decisions=tuple(
            DecisionRecord(d.at, d.user, d.team, d.decision, d.reason)  # type: ignore[arg-type]
            for d in row.decisions
        ),
    )


def add_proposal(
    session: Session,
    *,
    budget: float,
    periods: int,
    target: str,
    channels: list[dict[str, Any]],
    expected_response: float,
    historical_response: float,
    note: str | None,
    actor: str,
) -> ProposalRecord:
    """Store a new proposal (status ``proposed``) and audit it."""
    row = BudgetProposalRow(
        created_at=utcnow(),
        created_by=actor,
        status="proposed",
        budget=budget,
        periods=periods,
        target=target,
        channels=channels,
        expected_response=expected_response,
        historical_response=historical_response,
        note=note,
    )
    session.add(row)
    session.flush()
    record = _record(row)
    record_change(
        session,
        actor=actor,
        action="budget_proposal.propose",
        entity=f"budget_proposal:{row.id}",
        after=record.to_json(),
    )
    return record


def _row(session: Session, proposal_id: int) -> BudgetProposalRow:
    row = session.get(BudgetProposalRow, proposal_id)
    if row is None:
        raise NotFound(
            f"No budget proposal {proposal_id}.", hint="`accord budget proposals` lists them."
        )
    return row


def get_proposal(session: Session, proposal_id: int) -> ProposalRecord:
    """The proposal *proposal_id* (:class:`~accord.errors.NotFound` if there is none)."""
    return _record(_row(session, proposal_id))


def list_proposals(session: Session, *, status: str | None = None) -> list[ProposalRecord]:
    """Every proposal, oldest first, optionally of one status."""
    query = select(BudgetProposalRow).order_by(BudgetProposalRow.id)
    if status is not None:
        query = query.where(BudgetProposalRow.status == status)
    return [_record(r) for r in session.scalars(query)]


def add_decision(
    session: Session,
    proposal_id: int,
    *,
    user: str,
    team: str,
    decision: Decision,
    reason: str | None,
    new_status: ProposalStatus,
) -> ProposalRecord:
    """Record a decision and the proposal's resulting status, audited (no rules checked)."""
    row = _row(session, proposal_id)
    before = _record(row).to_json()
    now = utcnow()
    session.add(
        BudgetDecisionRow(
            proposal_id=row.id, at=now, user=user, team=team, decision=decision, reason=reason
        )
    )
    row.status = new_status
    if new_status != "proposed":
        row.decided_at = now
    session.flush()
    session.refresh(row)
    after = _record(row)
    record_change(
        session,
        actor=user,
        action=f"budget_proposal.{decision}",
        entity=f"budget_proposal:{row.id}",
        before=before,
        after=after.to_json(),
    )
    return after
