"""Tables of the state store: teams, users, the audit log, definition versions and their
signatures (SQLAlchemy 2, typed).

The state store holds small, transactional, multi-user records. The schema is owned by
the Alembic migrations in ``migrations/versions``; these models describe the *head*
revision and are what the code reads and writes. A change here needs a new revision
(see ``docs/workspace.md``).

Timestamps are stored as UTC and come back timezone-aware on every backend
(:class:`UTCDateTime`): SQLite has no time zone type and would otherwise return naive
values while PostgreSQL returns aware ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "DEFINITION_STATUSES",
    "ROLES",
    "AuditEntry",
    "Base",
    "DefinitionSignatureRow",
    "DefinitionVersionRow",
    "Role",
    "Team",
    "UTCDateTime",
    "User",
    "utcnow",
]

Role = Literal["member", "lead", "admin"]
"""A user's role in their team: ``lead`` signs for the team, ``admin`` runs the workspace."""

ROLES: tuple[Role, ...] = get_args(Role)

DEFINITION_STATUSES: tuple[str, ...] = ("draft", "proposed", "in_force", "retired", "withdrawn")
"""Where a definition version is in its life (``accord.definitions.store.Status``)."""

# Named constraints, so that migrations can alter them on SQLite (batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    Naive values are refused on the way in: a naive time in a multi-user store is a bug
    waiting to happen (whose local time is it?).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the state store; use an aware UTC time")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it naive UTC there so it sorts and compares correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every state-store table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(Base):
    """A team of the company (marketing, sales, product, service, finance, ...)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="team")


class User(Base):
    """A person using Accord, in one team with one role.

    ``password_hash`` stays empty until the person signs in to the web app (an Argon2
    hash then); CLI-only users never need one.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('member', 'lead', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team] = relationship(back_populates="users")


class AuditEntry(Base):
    """One change to the state store: who did what to which entity, before and after.

    ``entity`` is ``"kind:key"``, e.g. ``"user:maria"`` or ``"team:sales"``; ``actor`` is a
    user name or ``"system:<what>"`` for changes made by Accord itself.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DefinitionVersionRow(Base):
    """One version of a definition (term, metric, funnel, SLA, goal, attribution model).

    ``spec`` holds the definition in canonical form (``accord.definitions.yaml_io.to_data``)
    and ``content_hash`` its hash, which every signature repeats. ``owners`` (the teams that
    must sign) is a copy of ``spec["owners"]`` kept for queries. The partial unique index
    ``uq_definition_versions_in_force`` lets the database itself refuse a second in-force
    version of a name.
    """

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("name", "version", name="uq_definition_versions_name_version"),
        CheckConstraint(
            "status IN ('draft', 'proposed', 'in_force', 'retired', 'withdrawn')", name="status"
        ),
        CheckConstraint("version >= 1", name="version"),
        Index(
            "uq_definition_versions_in_force",
            "name",
            unique=True,
            sqlite_where=text("status = 'in_force'"),
            postgresql_where=text("status = 'in_force'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(80))
    owners: Mapped[list[str]] = mapped_column(JSON)
    proposed_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    in_force_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    signatures: Mapped[list[DefinitionSignatureRow]] = relationship(
        back_populates="version_row", order_by="DefinitionSignatureRow.id"
    )


class DefinitionSignatureRow(Base):
    """A team's signature of one definition version, given by one of its leads.

    ``content_hash`` is the hash of the content the person signed; a signature counts for
    its version only while it equals the version's hash, so it never carries over to a
    changed body. One signature per team and version.
    """

    __tablename__ = "definition_signatures"
    __table_args__ = (
        UniqueConstraint("version_id", "team_id", name="uq_definition_signatures_version_team"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(80))

    version_row: Mapped[DefinitionVersionRow] = relationship(back_populates="signatures")
    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()
