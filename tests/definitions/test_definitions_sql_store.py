"""What only the state store's DefinitionStore does: people, the audit log, persistence and
the database's own safeguards (SQLite file and, in the integration tier, PostgreSQL).

The versioning contract itself is tested on every store in ``test_definitions_store.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from accord.data.state import StateStore
from accord.definitions import Status, parse_definition
from accord.definitions.specs import Definition
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import Conflict, NotFound, PermissionDenied, StoreError


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration),
    ]
)
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(state_url: str) -> Iterator[SqlDefinitionStore]:
    with StateStore.connect(state_url) as state:
        state.upgrade()
        for team in ("marketing", "sales", "finance"):
            state.add_team(team, actor="system:test")
        state.add_user("mia", team="marketing", role="lead", actor="system:test")
        state.add_user("sam", team="sales", role="lead", actor="system:test")
        state.add_user("sue", team="sales", role="member", actor="system:test")
        state.add_user("fay", team="finance", role="lead", actor="system:test")
        state.add_user("al", team="sales", role="admin", actor="system:test")
        yield SqlDefinitionStore(state)


def _term(text_: str) -> Definition:
    return parse_definition(
        {"kind": "term", "name": "mql", "owners": ["marketing", "sales"],
         "body": {"definition": text_}}
    )  # fmt: skip


def test_only_a_lead_of_an_owning_team_signs_and_the_error_says_who_may(
    store: SqlDefinitionStore,
) -> None:
    store.propose(_term("first"), by="mia")
    with pytest.raises(PermissionDenied, match="sue is member in sales") as member:
        store.sign("mql", version=1, team="sales", by="sue")
    assert member.value.hint is not None
    assert "sales: sam" in member.value.hint
    with pytest.raises(PermissionDenied, match="finance does not own mql") as other:
        store.sign("mql", version=1, team="finance", by="fay")
    assert other.value.hint is not None
    assert "marketing: mia; sales: sam" in other.value.hint
    with pytest.raises(PermissionDenied, match="mia is lead in marketing"):
        store.sign("mql", version=1, team="sales", by="mia")  # a lead, but of another team
    with pytest.raises(PermissionDenied, match="al is admin in sales"):
        store.sign("mql", version=1, team="sales", by="al")
    with pytest.raises(NotFound, match="No user called 'zed'"):
        store.sign("mql", version=1, team="sales", by="zed")
    assert store.version("mql", 1).signatures == ()


def test_every_change_is_audited_with_before_and_after(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    store.sign("mql", version=1, team="sales", by="sam")
    store.propose(_term("second"), by="mia")
    store.propose(_term("third"), by="sam")
    store.sign("mql", version=3, team="sales", by="sam")
    store.sign("mql", version=3, team="marketing", by="mia")
    entries = list(reversed(store.state.audit(entity="definition:mql")))
    assert [(e.action, e.actor) for e in entries] == [
        ("definition.propose", "mia"),
        ("definition.sign", "mia"),
        ("definition.sign", "sam"),
        ("definition.propose", "mia"),
        ("definition.withdraw", "sam"),
        ("definition.propose", "sam"),
        ("definition.sign", "sam"),
        ("definition.retire", "mia"),
        ("definition.sign", "mia"),
    ]
    first = entries[0]
    assert first.before is None
    assert first.after is not None
    assert first.after["spec"]["body"] == {"definition": "first"}
    in_force = entries[2]
    assert in_force.before is not None
    assert in_force.after is not None
    assert (in_force.before["status"], in_force.after["status"]) == ("proposed", "in_force")
    assert in_force.after["signed_by"] == {"marketing": "mia", "sales": "sam"}
    retire = entries[7]
    assert retire.before is not None
    assert retire.after is not None
    assert (retire.before["version"], retire.after["status"]) == (1, "retired")
    history = store.history("mql")
    assert [v.status for v in history] == [Status.RETIRED, Status.WITHDRAWN, Status.IN_FORCE]
    assert history[0].ended_at == history[2].in_force_at is not None


def test_versions_persist_and_times_are_utc(state_url: str, store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    with StateStore.open(state_url) as reopened:
        [v] = SqlDefinitionStore(reopened).history("mql")
    assert (v.status, v.definition, v.proposed_by) == (Status.PROPOSED, _term("first"), "mia")
    assert [(s.team, s.user) for s in v.signatures] == [("marketing", "mia")]
    assert v.proposed_at.tzinfo is not None
    assert v.signatures[0].signed_at.utcoffset() is not None


def test_the_database_refuses_a_second_version_in_force(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    store.sign("mql", version=1, team="sales", by="sam")
    store.propose(_term("second"), by="mia")  # v1 in force, v2 proposed
    with pytest.raises(IntegrityError), store.state.engine.begin() as conn:
        conn.execute(text("UPDATE definition_versions SET status = 'in_force' WHERE version = 2"))
    with pytest.raises(IntegrityError), store.state.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO definition_signatures (version_id, team_id, user_id, signed_at, "
                "content_hash) SELECT s.version_id, s.team_id, s.user_id, s.signed_at, 'x' "
                "FROM definition_signatures s WHERE s.team_id = (SELECT id FROM teams "
                "WHERE name = 'sales')"
            )
        )


def test_a_spec_changed_outside_accord_is_refused(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    with store.state.engine.begin() as conn:
        conn.execute(
            text("UPDATE definition_versions SET spec = :spec"),
            {"spec": '{"kind": "term", "name": "mql", "owners": ["marketing", "sales"], '
                     '"body": {"definition": "changed behind your back"}}'},
        )  # fmt: skip
    with pytest.raises(StoreError, match="changed outside Accord"):
        store.history("mql")


def test_a_signature_of_other_content_does_not_count(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    with store.state.engine.begin() as conn:
        conn.execute(text("UPDATE definition_signatures SET content_hash = 'sha256:other'"))
    v = store.version("mql", 1)
    assert (len(v.signatures), v.valid_signatures) == (1, ())
    assert v.pending_teams == ("marketing", "sales")
    with pytest.raises(StoreError, match="IntegrityError"):  # no second signature to repair it
        store.sign("mql", version=1, team="marketing", by="mia")


def test_current_prefers_the_pending_proposal(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    store.sign("mql", version=1, team="sales", by="sam")
    assert [(v.name, v.version) for v in store.current()] == [("mql", 1)]
    store.propose(_term("second"), by="mia")
    assert [(v.name, v.version) for v in store.current()] == [("mql", 2)]
    assert store.names() == ["mql"]
    assert store.signers("sales") == ["sam"]


def test_signing_a_version_that_is_not_proposed_is_a_conflict(store: SqlDefinitionStore) -> None:
    store.propose(_term("first"), by="mia")
    store.sign("mql", version=1, team="marketing", by="mia")
    store.sign("mql", version=1, team="sales", by="sam")
    with pytest.raises(Conflict, match="mql v1 is in_force"):
        store.sign("mql", version=1, team="sales", by="sam")
