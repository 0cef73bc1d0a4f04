"""Teams and the people in them: the records behind ``accord users`` / ``accord teams``.

Functions here take an open :class:`~sqlalchemy.orm.Session` and return frozen records,
so the CLI and the web app share one implementation; every change writes an audit entry
in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.data.state.audit import record_change
from accord.data.state.models import ROLES, Role, Team, User
from accord.errors import Conflict, InputError, NotFound

__all__ = [
    "DEFAULT_TEAMS",
    "TeamRecord",
    "UserRecord",
    "add_team",
    "add_user",
    "check_actor",
    "get_user",
    "list_teams",
    "list_users",
]

DEFAULT_TEAMS: tuple[str, ...] = ("marketing", "sales", "product", "service", "finance")
"""Teams every new workspace starts with."""

_TEAM_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team and how many active people are in it."""

    name: str
    created_at: datetime
    members: int


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as the rest of Accord sees it (the password hash never leaves the store)."""

    name: str
    email: str | None
    team: str
    role: Role
    active: bool
    created_at: datetime
    has_password: bool

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable fields for the audit log."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data


def _user_record(user: User) -> UserRecord:
    return UserRecord(
        name=user.name,
        email=user.email,
        team=user.team.name,
        role=cast(Role, user.role),
        active=user.active,
        created_at=user.created_at,
        has_password=user.password_hash is not None,
    )


def _team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        known = ", ".join(session.scalars(select(Team.name).order_by(Team.name))) or "none"
        raise NotFound(
            f"No team called {name!r} (teams: {known}).",
            hint=f"Create it with `accord teams add {name}`.",
        )
    return team


def add_team(session: Session, name: str, *, actor: str) -> TeamRecord:
    """Create the team *name* (lower-case letters, digits, ``-`` or ``_``).

    Raises
    ------
    InputError
        The name is not a valid team name.
    Conflict
        A team with that name exists.
    """
    if not _TEAM_NAME.match(name):
        raise InputError(
            f"{name!r} is not a valid team name.",
            hint="Use 2-40 lower-case letters, digits, '-' or '_', starting with a letter "
            "(e.g. 'customer-success').",
        )
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise Conflict(f"The team {name!r} already exists.", hint="`accord teams list` shows them.")
    team = Team(name=name)
    session.add(team)
    session.flush()
    record = TeamRecord(team.name, team.created_at, 0)
    record_change(
        session,
        actor=actor,
        action="team.add",
        entity=f"team:{name}",
        after={"name": name, "created_at": team.created_at.isoformat()},
    )
    return record


def list_teams(session: Session) -> list[TeamRecord]:
    """Every team, by name, with its number of active users."""
    members = func.count(User.id).filter(User.active.is_(True))
    rows = session.execute(
        select(Team.name, Team.created_at, members)
        .outerjoin(User, User.team_id == Team.id)
        .group_by(Team.id, Team.name, Team.created_at)
        .order_by(Team.name)
    )
    return [TeamRecord(name, created, count) for name, created, count in rows]


def _check_user_fields(name: str, role: str, email: str | None) -> None:
    if not name or name != name.strip() or len(name) > 80 or not name.isprintable():
        raise InputError(
            f"{name!r} is not a valid user name.",
            hint="Use 1-80 printable characters without leading or trailing spaces.",
        )
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}.", hint=f"Use one of: {', '.join(ROLES)}.")
    if email is not None and not _EMAIL.match(email):
        raise InputError(f"{email!r} is not an email address.", hint="e.g. maria@example.com")


def add_user(
    session: Session,
    name: str,
    *,
    team: str,
    role: str = "member",
    email: str | None = None,
    actor: str,
) -> UserRecord:
    """Create the user *name* in *team* with *role* (``member``, ``lead`` or ``admin``).

    Raises
    ------
    InputError
        Invalid name, role or email.
    NotFound
        The team does not exist.
    Conflict
        The name or the email is taken.
    """
    email = email.strip().lower() if email else None
    _check_user_fields(name, role, email)
    team_row = _team(session, team)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(f"The user {name!r} already exists.", hint="`accord users list` shows them.")
    if email and session.scalar(select(User.name).where(User.email == email)) is not None:
        owner = session.scalar(select(User.name).where(User.email == email))
        raise Conflict(
            f"The email {email} already belongs to the user {owner!r}.",
            hint="Each user needs their own email address.",
        )
    user = User(name=name, email=email, team=team_row, role=role, active=True)
    session.add(user)
    session.flush()
    record = _user_record(user)
    record_change(
        session, actor=actor, action="user.add", entity=f"user:{name}", after=record.snapshot()
    )
    return record


def list_users(
    session: Session, *, team: str | None = None, include_inactive: bool = False
) -> list[UserRecord]:
    """Users by team then name; only active ones unless *include_inactive*."""
    query = select(User).join(User.team).order_by(Team.name, User.name)
    if team is not None:
        _team(session, team)
        query = query.where(Team.name == team)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return [_user_record(u) for u in session.scalars(query)]


def get_user(session: Session, name: str) -> UserRecord:
    """The user called *name* (:class:`~accord.errors.NotFound` if there is none)."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(
            f"No user called {name!r}.",
            hint="`accord users list` shows them; `accord users add NAME --team TEAM` adds one.",
        )
    return _user_record(user)


def check_actor(session: Session, name: str) -> UserRecord:
    """The active user *name*, who is about to act (``--as NAME``).

    Raises
    ------
    NotFound
        No such user.
    Conflict
        The user has been deactivated.
    """
    user = get_user(session, name)
    if not user.active:
        raise Conflict(f"The user {name!r} is deactivated and cannot act.")
    return user
