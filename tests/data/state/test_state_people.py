"""Teams, users and the audit log in the state store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import pytest

from accord.data.state import StateStore
from accord.errors import Conflict, InputError, NotFound


@pytest.fixture
def store(state_url: str) -> Iterator[StateStore]:
    with StateStore.connect(state_url) as s:
        s.upgrade()
        yield s


@pytest.fixture
def sqlite_store() -> Iterator[StateStore]:
    """For checks that happen in Python before the database is asked (one backend is enough)."""
    with StateStore.connect("sqlite://") as s:
        s.upgrade()
        yield s


def test_add_and_list_teams_and_users(store: StateStore) -> None:
    for team in ("sales", "marketing"):
        store.add_team(team, actor="system:test")
    store.add_user(
        "Maria Lopez", team="marketing", role="lead", email="Maria@Example.com", actor="system:test"
    )
    store.add_user("bo", team="sales", actor="Maria Lopez")
    users = store.users()
    assert [(u.team, u.name, u.role) for u in users] == [
        ("marketing", "Maria Lopez", "lead"),
        ("sales", "bo", "member"),
    ]
    assert users[0].email == "maria@example.com"
    assert users[0].has_password is False
    assert users[0].created_at.tzinfo is not None
    assert users[0].created_at.utcoffset() == UTC.utcoffset(None)
    assert [(t.name, t.members) for t in store.teams()] == [("marketing", 1), ("sales", 1)]
    assert [u.name for u in store.users(team="sales")] == ["bo"]


def test_every_change_is_audited_with_who_and_after(store: StateStore) -> None:
    store.add_team("sales", actor="system:init")
    store.add_user("bo", team="sales", actor="ann")
    entries = store.audit()
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("user.add", "user:bo", "ann"),
        ("team.add", "team:sales", "system:init"),
    ]
    assert entries[0].before is None
    assert entries[0].after is not None
    assert entries[0].after["team"] == "sales"
    assert entries[0].after["role"] == "member"
    assert store.audit(entity="team:sales")[0].action == "team.add"


def test_a_failed_change_leaves_no_audit_entry(store: StateStore) -> None:
    store.add_team("sales", actor="t")
    with pytest.raises(Conflict):
        store.add_team("sales", actor="t")
    with pytest.raises(NotFound, match="No team called 'ops'") as info:
        store.add_user("bo", team="ops", actor="t")
    assert info.value.hint == "Create it with `accord teams add ops`."
    assert [e.action for e in store.audit()] == ["team.add"]


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "match"),
    [
        ("Sales", {}, InputError, "valid team name"),
        (" bo", {"team": "sales"}, InputError, "valid user name"),
        ("bo", {"team": "sales", "role": "boss"}, InputError, "Unknown role"),
        ("bo", {"team": "sales", "email": "not-an-email"}, InputError, "not an email"),
    ],
)
def test_invalid_input_is_refused(
    sqlite_store: StateStore, name: str, kwargs: dict[str, str], error: type[Exception], match: str
) -> None:
    sqlite_store.add_team("sales", actor="t")
    add = sqlite_store.add_user if kwargs else sqlite_store.add_team
    with pytest.raises(error, match=match):
        add(name, actor="t", **kwargs)


def test_names_and_emails_are_unique(store: StateStore) -> None:
    store.add_team("sales", actor="t")
    store.add_user("bo", team="sales", email="bo@example.com", actor="t")
    with pytest.raises(Conflict, match="already exists"):
        store.add_user("bo", team="sales", actor="t")
    with pytest.raises(Conflict, match="already belongs to the user 'bo'"):
        store.add_user("bob", team="sales", email="BO@example.com", actor="t")
    store.add_user("cy", team="sales", actor="t")  # two users without email are fine
    store.add_user("di", team="sales", actor="t")


def test_unknown_user_and_actor(store: StateStore) -> None:
    with pytest.raises(NotFound, match="No user called 'zed'"):
        store.user("zed")
    with pytest.raises(NotFound):
        store.actor("zed")
