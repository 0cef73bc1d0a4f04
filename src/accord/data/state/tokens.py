"""API tokens: how scripts and tools call the REST API as an Accord user.

A token is ``acd_`` followed by 43 random URL-safe characters (256 bits), shown once when
it is created. The store keeps only its SHA-256 digest: a token is random and long, so a
fast digest cannot be reversed or guessed (unlike a password, which needs Argon2), and a
stolen database holds no usable token. The first characters (``prefix``) are kept in
clear so a person can tell their tokens apart in a list.

Creating and revoking a token is written to the audit log (never the token itself).

Examples
--------
>>> from accord.data.state import StateStore
>>> store = StateStore.connect("sqlite://")
>>> _ = store.upgrade()
>>> _ = store.add_team("sales", actor="system:example")
>>> _ = store.add_user("sam", team="sales", actor="system:example")
>>> with store.session() as session:
...     secret, record = create_token(session, "sam", name="laptop", actor="sam")
>>> secret.startswith("acd_"), record.user, record.name
(True, 'sam', 'laptop')
>>> with store.session() as session:
...     authenticate_token(session, secret).name
'sam'
>>> with store.session() as session:
...     authenticate_token(session, "acd_forged") is None
True
>>> store.close()
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from accord.data.state.audit import record_change
from accord.data.state.models import Base, User, UTCDateTime, utcnow
from accord.data.state.people import UserRecord, check_actor, get_user
from accord.errors import Conflict, InputError, NotFound

__all__ = [
    "TOKEN_PREFIX",
    "ApiToken",
    "TokenRecord",
    "authenticate_token",
    "create_token",
    "list_tokens",
    "revoke_token",
    "token_digest",
]

TOKEN_PREFIX = "acd_"
"""Every Accord API token starts with this (secret scanners can look for it)."""

LAST_USED_RESOLUTION = timedelta(minutes=5)
"""``last_used_at`` is written at most this often per token (not on every request)."""


class ApiToken(Base):
    """An API token of a user: its digest, never the token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A token as people see it: which, whose, since when, until when (never the secret)."""

    id: int
    user: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        """Whether the token still authenticates at *now*."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def token_digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _record(row: ApiToken) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        user=row.user.name,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _snapshot(record: TokenRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "user": record.user,
        "name": record.name,
        "prefix": record.prefix,
        "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def create_token(
    session: Session,
    user: str,
    *,
    name: str,
    actor: str,
    expires_at: datetime | None = None,
) -> tuple[str, TokenRecord]:
    """Create a token for the active user *user*; return the token (shown once) and its record.

    Raises
    ------
    NotFound
        No such user.
    Conflict
        The user is deactivated.
    InputError
        An empty or over-long name, or an expiry in the past.
    """
    name = name.strip()
    if not name or len(name) > 80 or not name.isprintable():
        raise InputError(
            f"{name!r} is not a valid token name.",
            hint="Use 1-80 printable characters, e.g. the machine or script that uses it.",
        )
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise InputError("The token would expire before it is created.", hint="--days 90")
    check_actor(session, user)
    owner = session.scalar(select(User).where(User.name == user))
    assert owner is not None  # check_actor found it
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=owner,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(secret),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record = _record(row)
    record_change(
        session,
        actor=actor,
        action="token.create",
        entity=f"user:{user}",
        after=_snapshot(record),
    )
    return secret, record


def authenticate_token(session: Session, secret: str) -> UserRecord | None:
    """The active user a token belongs to, or ``None`` (unknown, revoked, expired, or the
    user deactivated). Notes when the token was last used, at most every few minutes."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(secret)))
    now = utcnow()
    if row is None or not _record(row).active(now) or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
    return get_user(session, row.user.name)


def list_tokens(session: Session, *, user: str | None = None) -> list[TokenRecord]:
    """Tokens (of *user*, or everyone's), newest first, revoked and expired ones included."""
    query = select(ApiToken).join(ApiToken.user).order_by(ApiToken.id.desc())
    if user is not None:
        get_user(session, user)
        query = query.where(User.name == user)
    return [_record(r) for r in session.scalars(query)]


def revoke_token(session: Session, token_id: int, *, actor: str) -> TokenRecord:
    """Revoke token *token_id* (it stops working at once).

    Raises
    ------
    NotFound
        No such token.
    Conflict
        It is already revoked.
    """
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No API token with id {token_id}.", hint="`accord tokens list` shows them.")
    if row.revoked_at is not None:
        raise Conflict(f"The API token {token_id} ({row.name}) is already revoked.")
    before = _snapshot(_record(row))
    row.revoked_at = utcnow()
    session.flush()
    record = _record(row)
    record_change(
        session,
        actor=actor,
        action="token.revoke",
        entity=f"user:{record.user}",
        before=before,
        after=_snapshot(record),
    )
    return record
