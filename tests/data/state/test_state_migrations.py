"""Schema migrations of the state store, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from accord.data.state import StateStore
from accord.data.state.migrate import VERSION_TABLE, head_revision, known_revisions
from accord.errors import MigrationError

HEAD_TABLES = {
    "teams",
    "users",
    "audit_log",
    "definition_versions",
    "definition_signatures",
    "api_tokens",
    "identity_overrides",
    "budget_proposals",
    "budget_decisions",
    VERSION_TABLE,
}


def _tables(store: StateStore) -> set[str]:
    return set(inspect(store.engine).get_table_names())


def test_upgrade_from_empty_creates_every_table(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        assert store.revision() is None
        steps = store.upgrade()
        assert [s.split(":")[0] for s in steps] == known_revisions()
        assert store.revision() == head_revision()
        assert _tables(store) == HEAD_TABLES


def test_second_upgrade_is_a_no_op(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        store.add_team("sales", actor="test")
        assert store.upgrade() == []
        assert [t.name for t in store.teams()] == ["sales"]


def test_downgrade_then_upgrade_round_trip(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        first = known_revisions()[0]
        store.add_team("sales", actor="test")
        store.add_user("ann", team="sales", role="lead", actor="test")
        undone = store.downgrade(first)
        assert [s.split(":")[0] for s in undone] == known_revisions()[1:][::-1]
        assert "audit_log" not in _tables(store)
        assert store.revision() == first
        assert store.upgrade() != []
        assert store.revision() == head_revision()
        assert [u.name for u in store.users()] == ["ann"]  # data kept across the round trip
        assert store.downgrade("base") != []
        assert _tables(store) == {VERSION_TABLE}


def test_a_store_from_a_newer_accord_is_refused_with_a_fix(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        with store.engine.begin() as conn:
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999_from_the_future'"))
    with pytest.raises(MigrationError, match="newer version of Accord") as info:
        StateStore.open(state_url)
    assert info.value.hint is not None
    assert "pip install -U accord" in info.value.hint
    with StateStore.connect(state_url) as store, pytest.raises(MigrationError, match="newer"):
        store.upgrade()  # never touches a store it does not understand


def test_an_older_store_is_refused_until_upgraded(state_url: str) -> None:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        store.downgrade(known_revisions()[0])
    with pytest.raises(MigrationError, match="behind") as info:
        StateStore.open(state_url)
    assert info.value.hint is not None
    assert "accord upgrade" in info.value.hint
    with StateStore.connect(state_url) as store:
        store.upgrade()
    StateStore.open(state_url).close()


def test_an_empty_database_is_refused_with_a_fix(state_url: str) -> None:
    with pytest.raises(MigrationError, match="no Accord tables") as info:
        StateStore.open(state_url)
    assert info.value.hint is not None
    assert "accord init" in info.value.hint


def test_models_match_the_head_migration(state_url: str) -> None:
    """The ORM models and the migrations describe the same schema (no forgotten revision)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from accord.data.state.models import Base

    with StateStore.connect(state_url) as store:
        store.upgrade()
        with store.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
