"""Passwords of the people who sign in to the web app: Argon2id hashes in ``users``.

Hashing uses argon2-cffi's defaults, the RFC 9106 "low memory" profile (Argon2id, 3
passes, 64 MiB, 4 lanes); a hash made with older parameters is upgraded when its owner
next signs in. The password itself is never stored, logged or written to the audit log:
the audit entry of a change says only that the password changed.

:func:`check_password` takes about as long for an unknown user as for a known one (it
verifies against a dummy hash), so a response time does not tell which names exist.

Examples
--------
>>> from accord.data.state import StateStore
>>> store = StateStore.connect("sqlite://")
>>> _ = store.upgrade()
>>> _ = store.add_team("sales", actor="system:example")
>>> _ = store.add_user("sam", team="sales", actor="system:example")
>>> with store.session() as session:
...     set_password(session, "sam", "correct horse battery", actor="sam").has_password
True
>>> with store.session() as session:
...     check_password(session, "sam", "correct horse battery").name
'sam'
>>> with store.session() as session:
...     check_password(session, "sam", "wrong") is None
True
>>> store.close()
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.data.state.audit import record_change
from accord.data.state.models import User
from accord.data.state.people import UserRecord, check_actor, get_user
from accord.errors import InputError

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "check_password",
    "check_strength",
    "current_fingerprint",
    "hash_password",
    "password_fingerprint",
    "set_password",
    "verify_password",
]

MIN_LENGTH = 10
"""Shortest password accepted (NIST SP 800-63B asks for at least 8)."""
MAX_LENGTH = 1024
"""Longest password accepted (bounds the work an attacker can make us do)."""

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("not a password: equalises the time of unknown names")


def check_strength(password: str) -> None:
    """Refuse a password that is too short or too long.

    Raises
    ------
    InputError
        Says the length needed.
    """
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"The password is too short ({len(password)} characters).",
            hint=f"Use at least {MIN_LENGTH} characters; a few unrelated words work well.",
        )
    if len(password) > MAX_LENGTH:
        raise InputError(f"The password is longer than {MAX_LENGTH} characters.")


def hash_password(password: str) -> str:
    """The Argon2id hash of *password* (a new random salt each time)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether *password* matches *password_hash* (``False`` for a malformed hash)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_fingerprint(password_hash: str | None) -> str:
    """A short value that changes whenever the password changes (sessions carry it, so a
    new password signs every other session out). Derived from the salted hash, so it
    reveals nothing about the password."""
    return "" if password_hash is None else password_hash[-16:]


def set_password(session: Session, name: str, password: str, *, actor: str) -> UserRecord:
    """Set the password of the active user *name* (audit-logged without the password).

    Raises
    ------
    NotFound, Conflict
        No such user, or the user is deactivated.
    InputError
        The password is too short or too long.
    """
    check_strength(password)
    check_actor(session, name)
    user = session.scalar(select(User).where(User.name == name))
    assert user is not None  # check_actor found it
    had = user.password_hash is not None
    user.password_hash = hash_password(password)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="user.set_password",
        entity=f"user:{name}",
        before={"has_password": had},
        after={"has_password": True},
    )
    return get_user(session, name)


def check_password(session: Session, name: str, password: str) -> UserRecord | None:
    """The active user *name* if *password* is theirs, else ``None``.

    A hash made with older Argon2 parameters is replaced by a current one on success.
    """
    user = session.scalar(select(User).where(User.name == name))
    if user is None or user.password_hash is None or len(password) > MAX_LENGTH:
        verify_password(_dummy_hash(), password[:MAX_LENGTH])
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return get_user(session, name)


def current_fingerprint(session: Session, name: str) -> str | None:
    """The password fingerprint of the active user *name* (``None``: no such active user)."""
    row = session.execute(
        select(User.password_hash, User.active).where(User.name == name)
    ).one_or_none()
    if row is None or not row.active:
        return None
    return password_fingerprint(row.password_hash)
