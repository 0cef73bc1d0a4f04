"""The :class:`~accord.definitions.store.DefinitionStore` of a workspace: versions and
signatures in the state store (SQLite or PostgreSQL).

It keeps the rules of :mod:`accord.definitions.store` (the in-memory reference passes the
same contract tests) and adds what only the state store knows: people. Only an active
**lead** of an owning team may sign for that team; every change is written to the audit
log in the same transaction as the change itself.

Safeguards below the Python code: the database refuses a second in-force version of a
name (a partial unique index) and a second signature of one team on one version; on
PostgreSQL the rows of a name are locked while a proposal or signature changes them. A
version read back is re-hashed from its stored spec; a spec changed outside Accord is
refused rather than shown with signatures it never received.

Examples
--------
>>> from accord.data.state import StateStore
>>> from accord.definitions.specs import parse_definition
>>> state = StateStore.connect("sqlite://")
>>> _ = state.upgrade()
>>> for user, team in (("mia", "marketing"), ("sam", "sales")):
...     _ = state.add_team(team, actor="system:example")
...     _ = state.add_user(user, team=team, role="lead", actor="system:example")
>>> store = SqlDefinitionStore(state)
>>> sal = parse_definition({"kind": "term", "name": "sal", "owners": ["marketing", "sales"],
...                         "body": {"definition": "Accepted by sales."}})
>>> store.propose(sal, by="mia").status
<Status.PROPOSED: 'proposed'>
>>> store.sign("sal", version=1, team="marketing", by="mia").pending_teams
('sales',)
>>> store.sign("sal", version=1, team="sales", by="sam").status
<Status.IN_FORCE: 'in_force'>
>>> [a.action for a in state.audit(entity="definition:sal")]
['definition.sign', 'definition.sign', 'definition.propose']
>>> state.close()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.data.state import StateStore
from accord.data.state.audit import record_change
from accord.data.state.models import (
    DefinitionSignatureRow,
    DefinitionVersionRow,
    Team,
    User,
    utcnow,
)
from accord.data.state.people import get_user, list_users
from accord.definitions.hashing import content_hash
from accord.definitions.specs import Definition
from accord.definitions.sql_rows import V, load, record, set_columns
from accord.definitions.store import DefinitionVersion, InForceSnapshot, Status
from accord.definitions.yaml_io import to_data
from accord.errors import Conflict, NotFound, PermissionDenied

__all__ = ["SqlDefinitionStore"]


def _entity(name: str) -> str:
    return f"definition:{name}"


class SqlDefinitionStore:
    """Definition versions and signatures in a :class:`~accord.data.state.StateStore`.

    Parameters
    ----------
    state
        The open state store (at the head schema revision).
    clock
        Returns the current time, timezone-aware; injectable for tests.
    """

    def __init__(self, state: StateStore, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.state = state
        self._clock = clock

    # ------------------------------------------------------------ reading
    def history(self, name: str) -> Sequence[DefinitionVersion]:
        """Every version of *name*, oldest first."""
        with self.state.session() as session:
            return tuple(record(r) for r in load(session, V.name == name))

    def in_force(self, name: str) -> DefinitionVersion | None:
        """The version of *name* in force, if any."""
        with self.state.session() as session:
            found = load(session, (V.name == name) & (V.status == Status.IN_FORCE.value))
            return record(found[0]) if found else None

    def latest(self, name: str) -> DefinitionVersion | None:
        """The newest version of *name* whatever its status, if any."""
        history = self.history(name)
        return history[-1] if history else None

    def version(self, name: str, version: int) -> DefinitionVersion:
        """Version *version* of *name* (:class:`~accord.errors.NotFound` if there is none)."""
        with self.state.session() as session:
            found = load(session, (V.name == name) & (V.version == version))
        if not found:
            raise _no_version(name, version)
        return record(found[0])

    def names(self) -> Sequence[str]:
        """Every definition name, sorted."""
        with self.state.session() as session:
            return list(session.scalars(select(V.name).distinct().order_by(V.name)))

    def current(self) -> list[DefinitionVersion]:
        """For every name, the proposed version if one is pending, else the one in force
        (names with only retired or withdrawn versions are left out); sorted by name.

        What the workspace's definitions will be once the pending proposals are signed:
        ``apply`` validates against it and ``export`` writes it.
        """
        live = (Status.PROPOSED.value, Status.IN_FORCE.value)
        with self.state.session() as session:
            newest = {r.name: r for r in load(session, V.status.in_(live))}  # by version
        return [record(r) for r in newest.values()]

    def snapshot(self) -> InForceSnapshot:
        """Every version in force now, read at once (to compute many numbers)."""
        with self.state.session() as session:
            found = load(session, V.status == Status.IN_FORCE.value)
        return InForceSnapshot({r.name: record(r) for r in found}, self)

    def signers(self, team: str) -> list[str]:
        """Names of the active leads of *team*: who may sign for it."""
        with self.state.session() as session:
            return _leads(session, team)

    # ------------------------------------------------------------ changing
    def propose(self, definition: Definition, *, by: str) -> DefinitionVersion:
        """Propose *definition* as the next version of its name.

        A changed definition becomes a new ``proposed`` version and withdraws older
        proposals; an unchanged one returns the live version that has its content (the
        proposal, or the version in force, whose proposals it then withdraws).
        """
        [version] = self.propose_all([definition], by=by)
        return version

    def propose_all(self, definitions: Sequence[Definition], *, by: str) -> list[DefinitionVersion]:
        """:meth:`propose` each of *definitions*, all in one transaction (all or nothing)."""
        now = self._clock()
        with self.state.session() as session:
            return [_propose(session, d, by=by, now=now) for d in definitions]

    def sign(self, name: str, *, version: int, team: str, by: str) -> DefinitionVersion:
        """Record *team*'s signature of *version*, given by *by*, a lead of *team*.

        When every owning team has signed, the version comes into force and the previous
        in-force version retires.

        Raises
        ------
        NotFound
            No such version, or no such user.
        PermissionDenied
            *team* does not own the definition, or *by* is not an active lead of *team*.
        Conflict
            The version is not proposed (withdrawn, retired or already in force).
        """
        now = self._clock()
        with self.state.session() as session:
            rows = load(session, V.name == name, lock=True)
            target = next((r for r in rows if r.version == version), None)
            if target is None:
                raise _no_version(name, version)
            user = get_user(session, by)
            if team not in target.owners:
                raise PermissionDenied(
                    f"{team} does not own {name}; its owners are {', '.join(target.owners)}.",
                    hint=_who_may_sign(session, name, target.owners),
                )
            if not user.active or user.team != team or user.role != "lead":
                what = "deactivated" if not user.active else f"{user.role} in {user.team}"
                raise PermissionDenied(
                    f"Only a lead of {team} may sign {name} for {team}; {by} is {what}.",
                    hint=_who_may_sign(session, name, (team,)),
                )
            if target.status != Status.PROPOSED.value:
                raise Conflict(
                    f"{name} v{version} is {target.status}; only a proposed version can be signed.",
                    hint=f"accord definitions history {name}",
                )
            signed = {s.team for s in target.signatures if s.content_hash == target.content_hash}
            if team in signed:
                return record(target)
            session.add(
                DefinitionSignatureRow(
                    version_id=target.id,
                    team_id=session.scalars(select(Team.id).where(Team.name == team)).one(),
                    user_id=session.scalars(select(User.id).where(User.name == by)).one(),
                    signed_at=now,
                    content_hash=target.content_hash,
                )
            )
            after = target.snapshot(
                signed_by={s.team: s.user for s in target.signatures} | {team: by}
            )
            if set(target.owners) <= signed | {team}:
                for row in rows:
                    if row.status == Status.IN_FORCE.value:
                        set_columns(session, row, status=Status.RETIRED.value, ended_at=now)
                        record_change(
                            session,
                            actor=by,
                            action="definition.retire",
                            entity=_entity(name),
                            before=row.snapshot(),
                            after=row.snapshot(status=Status.RETIRED.value),
                        )
                set_columns(session, target, status=Status.IN_FORCE.value, in_force_at=now)
                after["status"] = Status.IN_FORCE.value
            session.flush()
            record_change(
                session,
                actor=by,
                action="definition.sign",
                entity=_entity(name),
                before=target.snapshot(),
                after=after,
            )
            [stored] = load(session, V.id == target.id)
            return record(stored)


def _propose(
    session: Session, definition: Definition, *, by: str, now: datetime
) -> DefinitionVersion:
    digest = content_hash(definition)
    name = definition.name
    rows = load(session, V.name == name, lock=True)
    live = (Status.PROPOSED.value, Status.IN_FORCE.value)
    if rows and rows[-1].status in live and rows[-1].content_hash == digest:
        return record(rows[-1])  # unchanged: proposed or in force already
    for row in rows:
        if row.status == Status.PROPOSED.value:
            set_columns(session, row, status=Status.WITHDRAWN.value, ended_at=now)
            record_change(
                session,
                actor=by,
                action="definition.withdraw",
                entity=_entity(name),
                before=row.snapshot(),
                after=row.snapshot(status=Status.WITHDRAWN.value),
            )
    current = next((r for r in rows if r.status == Status.IN_FORCE.value), None)
    if current is not None and current.content_hash == digest:
        return record(current)
    spec = to_data(definition)
    version = rows[-1].version + 1 if rows else 1
    new = DefinitionVersionRow(
        name=name,
        kind=definition.kind,
        version=version,
        status=Status.PROPOSED.value,
        spec=spec,
        content_hash=digest,
        owners=list(definition.owners),
        proposed_by=by,
        created_at=now,
    )
    session.add(new)
    session.flush()
    after = {"version": version, "status": Status.PROPOSED.value, "content_hash": digest}
    record_change(
        session,
        actor=by,
        action="definition.propose",
        entity=_entity(name),
        before=rows[-1].snapshot() if rows else None,
        after=after | {"signed_by": {}, "spec": spec},
    )
    [stored] = load(session, V.id == new.id)
    return record(stored)


def _leads(session: Session, team: str) -> list[str]:
    try:
        return [u.name for u in list_users(session, team=team) if u.role == "lead"]
    except NotFound:
        return []


def _who_may_sign(session: Session, name: str, teams: Sequence[str]) -> str:
    parts = [f"{team}: {', '.join(_leads(session, team)) or 'no lead yet'}" for team in teams]
    return (
        f"Who may sign {name}: "
        + "; ".join(parts)
        + ". Add a lead with `accord users add NAME --team TEAM --role lead`."
    )


def _no_version(name: str, version: int) -> NotFound:
    return NotFound(f"{name} has no version {version}.", hint=f"accord definitions history {name}")
