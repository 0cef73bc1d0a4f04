"""API tokens and passwords in the state store: stored as digests, audited, revocable."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType

import pytest
from sqlalchemy import text

from accord.data.state import StateStore, passwords, tokens
from accord.data.state.models import utcnow
from accord.errors import Conflict, InputError, NotFound


@pytest.fixture
def store(state_url: str) -> Iterator[StateStore]:
    with StateStore.connect(state_url) as store:
        store.upgrade()
        store.add_team("sales", actor="test")
        store.add_user("sam", team="sales", role="lead", actor="test")
        store.add_user("gone", team="sales", actor="test")
        yield store


@pytest.mark.parametrize("module", [tokens, passwords], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_only_the_digest_of_a_token_is_stored(store: StateStore) -> None:
    with store.session() as s:
        secret, record = tokens.create_token(s, "sam", name="ci", actor="sam")
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM api_tokens")).mappings().one()
        audit = conn.execute(text("SELECT before, after FROM audit_log")).fetchall()
    assert secret not in str(dict(stored))
    assert stored["token_hash"] == tokens.token_digest(secret)
    assert all(secret not in str(row) for row in audit)
    assert record.prefix == secret[:10]


def test_revoked_and_expired_tokens_stop_working(store: StateStore) -> None:
    with store.session() as s:
        revoked, record = tokens.create_token(s, "sam", name="old", actor="sam")
        tokens.revoke_token(s, record.id, actor="sam")
        expiring, short = tokens.create_token(
            s, "sam", name="short", actor="sam", expires_at=utcnow() + timedelta(seconds=30)
        )
    with store.session() as s:
        assert tokens.authenticate_token(s, revoked) is None
        assert tokens.authenticate_token(s, expiring) is not None
        with pytest.raises(Conflict):
            tokens.revoke_token(s, record.id, actor="sam")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE api_tokens SET expires_at = created_at"))
    with store.session() as s:
        assert tokens.authenticate_token(s, expiring) is None
    assert [a.action for a in store.audit(actor="sam")][:3] == [
        "token.create",
        "token.revoke",
        "token.create",
    ]
    assert short.name == "short"


def test_token_of_a_deactivated_user_is_refused(store: StateStore) -> None:
    with store.session() as s:
        secret, _ = tokens.create_token(s, "gone", name="x", actor="test")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = false WHERE name = 'gone'"))
    with store.session() as s:
        assert tokens.authenticate_token(s, secret) is None
        with pytest.raises(Conflict):
            tokens.create_token(s, "gone", name="y", actor="test")


def test_token_arguments_are_checked(store: StateStore) -> None:
    with store.session() as s:
        with pytest.raises(InputError):
            tokens.create_token(s, "sam", name=" ", actor="sam")
        with pytest.raises(InputError):
            tokens.create_token(s, "sam", name="x", actor="sam", expires_at=utcnow())
        with pytest.raises(NotFound):
            tokens.create_token(s, "nobody", name="x", actor="sam")
        with pytest.raises(NotFound):
            tokens.revoke_token(s, 999, actor="sam")


def test_passwords_are_hashed_with_argon2id_and_never_audited(store: StateStore) -> None:
    password = "a long enough secret"
    with store.session() as s:
        passwords.set_password(s, "sam", password, actor="sam")
    with store.engine.connect() as conn:
        [stored] = conn.execute(text("SELECT password_hash FROM users WHERE name='sam'")).one()
        audit = conn.execute(text("SELECT action, before, after FROM audit_log")).fetchall()
    assert stored.startswith("$argon2id$")
    assert password not in stored
    assert all(password not in str(row) and stored not in str(row) for row in audit)
    with store.session() as s:
        assert passwords.check_password(s, "sam", password) is not None
        assert passwords.check_password(s, "sam", password + "x") is None
        assert passwords.check_password(s, "nobody", password) is None
        with pytest.raises(InputError, match="too short"):
            passwords.set_password(s, "sam", "short", actor="sam")


def test_a_new_password_changes_the_fingerprint(store: StateStore) -> None:
    with store.session() as s:
        passwords.set_password(s, "sam", "first password here", actor="sam")
        first = passwords.current_fingerprint(s, "sam")
        passwords.set_password(s, "sam", "second password here", actor="sam")
        second = passwords.current_fingerprint(s, "sam")
        assert passwords.current_fingerprint(s, "nobody") is None
    assert first
    assert second
    assert first != second
