"""Budget proposal rules: a finance lead and a marketing lead approve; others cannot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accord.data.state import StateStore
from accord.data.state.budget_proposals import ProposalRecord, add_proposal
from accord.errors import Conflict, InputError, PermissionDenied
from accord.workflows.proposals import approve, missing_approvals, proposal, reject

USERS = {
    "fiona": ("finance", "lead"),
    "fred": ("finance", "member"),
    "mia": ("marketing", "lead"),
    "max": ("marketing", "lead"),
    "mo": ("marketing", "member"),
    "sam": ("sales", "lead"),
    "ada": ("product", "admin"),
}


@pytest.fixture
def store() -> Iterator[StateStore]:
    with StateStore.connect("sqlite://") as s:
        s.upgrade()
        for team in {t for t, _ in USERS.values()}:
            if team not in {t.name for t in s.teams()}:
                s.add_team(team, actor="system:test")
        for name, (team, role) in USERS.items():
            s.add_user(name, team=team, role=role, actor="system:test")
        yield s


def _propose(store: StateStore) -> ProposalRecord:
    with store.session() as session:
        return add_proposal(
            session,
            budget=1000.0,
            periods=1,
            target="revenue",
            channels=[{"channel": "search", "before": 600.0, "after": 400.0}],
            expected_response=5000.0,
            historical_response=4500.0,
            note="shift to social",
            actor="mo",
        )


def test_needs_a_finance_lead_and_a_marketing_lead(store: StateStore) -> None:
    p = _propose(store)
    assert missing_approvals(p) == ("finance", "marketing")
    after_finance = approve(store, p.id, "fiona")
    assert after_finance.status == "proposed"
    assert missing_approvals(after_finance) == ("marketing",)
    done = approve(store, p.id, "mia")
    assert done.status == "approved"
    assert done.decided_at is not None
    assert [(d.user, d.team, d.decision) for d in done.decisions] == [
        ("fiona", "finance", "approve"),
        ("mia", "marketing", "approve"),
    ]
    actions = [a.action for a in store.audit(entity=f"budget_proposal:{p.id}")]
    assert actions == [
        "budget_proposal.approve",
        "budget_proposal.approve",
        "budget_proposal.propose",
    ]


def test_two_marketing_leads_do_not_make_an_approval(store: StateStore) -> None:
    p = _propose(store)
    approve(store, p.id, "mia")
    with pytest.raises(Conflict, match="marketing has already approved"):
        approve(store, p.id, "max")
    assert proposal(store, p.id).status == "proposed"


@pytest.mark.parametrize("user", ["fred", "mo", "sam", "ada"])
def test_members_other_leads_and_admins_cannot_decide(store: StateStore, user: str) -> None:
    p = _propose(store)
    with pytest.raises(PermissionDenied):
        approve(store, p.id, user)
    with pytest.raises(PermissionDenied):
        reject(store, p.id, user, why="no")
    assert proposal(store, p.id).decisions == ()


def test_rejected_stays_rejected(store: StateStore) -> None:
    p = _propose(store)
    approve(store, p.id, "fiona")
    rejected = reject(store, p.id, "mia", why="events are seasonal")
    assert rejected.status == "rejected"
    assert rejected.decisions[-1].reason == "events are seasonal"
    with pytest.raises(Conflict, match="already rejected"):
        approve(store, p.id, "max")
    with pytest.raises(Conflict, match="already rejected"):
        reject(store, p.id, "fiona", why="again")
    assert proposal(store, p.id).status == "rejected"


def test_a_rejection_needs_a_reason(store: StateStore) -> None:
    p = _propose(store)
    with pytest.raises(InputError):
        reject(store, p.id, "fiona", why="  ")
