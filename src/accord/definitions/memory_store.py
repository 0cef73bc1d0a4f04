"""A dict-backed :class:`~accord.definitions.store.DefinitionStore`: the executable
reference of the versioning rules, for tests and notebooks.

The SQL state store implements the same protocol and must pass the same contract tests
(``tests/definitions/test_definitions_store.py``). This one does not know people's roles: any
person may sign for an owning team (the state store checks that the person is a lead of
that team).

Examples
--------
>>> from accord.definitions.specs import parse_definition
>>> store = MemoryDefinitionStore()
>>> sal = parse_definition({"kind": "term", "name": "sal", "owners": ["marketing", "sales"],
...                         "body": {"definition": "Accepted by sales."}})
>>> store.propose(sal, by="ana").status
<Status.PROPOSED: 'proposed'>
>>> store.sign("sal", version=1, team="marketing", by="ana").pending_teams
('sales',)
>>> store.sign("sal", version=1, team="sales", by="bo").status
<Status.IN_FORCE: 'in_force'>
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from accord.definitions.hashing import content_hash
from accord.definitions.specs import Definition
from accord.definitions.store import DefinitionVersion, Signature, Status
from accord.errors import Conflict, NotFound, PermissionDenied

__all__ = ["MemoryDefinitionStore"]


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class MemoryDefinitionStore:
    """Versions and signatures in memory.

    Parameters
    ----------
    clock
        Returns the current time (naive UTC); injectable for tests.
    """

    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        self._versions: dict[str, list[DefinitionVersion]] = {}
        self._clock = clock

    def in_force(self, name: str) -> DefinitionVersion | None:
        """The version of *name* in force, if any."""
        for v in self._versions.get(name, ()):
            if v.status is Status.IN_FORCE:
                return v
        return None

    def latest(self, name: str) -> DefinitionVersion | None:
        """The newest version of *name*, if any."""
        versions = self._versions.get(name)
        return versions[-1] if versions else None

    def version(self, name: str, version: int) -> DefinitionVersion:
        """Version *version* of *name* (``NotFound`` if there is none)."""
        versions = self._versions.get(name, [])
        if not 1 <= version <= len(versions):
            raise NotFound(
                f"{name} has no version {version}", hint=f"accord definitions history {name}"
            )
        return versions[version - 1]

    def history(self, name: str) -> Sequence[DefinitionVersion]:
        """Every version of *name*, oldest first."""
        return tuple(self._versions.get(name, ()))

    def names(self) -> Sequence[str]:
        """Every definition name, sorted."""
        return sorted(self._versions)

    def propose(self, definition: Definition, *, by: str) -> DefinitionVersion:
        """Propose *definition*; an unchanged definition returns the latest version."""
        versions = self._versions.setdefault(definition.name, [])
        digest = content_hash(definition)
        live = (Status.PROPOSED, Status.IN_FORCE)
        if versions and versions[-1].status in live and versions[-1].content_hash == digest:
            return versions[-1]  # unchanged: proposed or in force already
        now = self._clock()
        for i, v in enumerate(versions):
            if v.status is Status.PROPOSED:
                versions[i] = replace(v, status=Status.WITHDRAWN, ended_at=now)
        current = self.in_force(definition.name)
        if current is not None and current.content_hash == digest:
            return current  # back to what is in force: the newer proposals are withdrawn
        new = DefinitionVersion(
            definition=definition,
            version=len(versions) + 1,
            status=Status.PROPOSED,
            content_hash=digest,
            proposed_by=by,
            proposed_at=now,
        )
        versions.append(new)
        return new

    def sign(self, name: str, *, version: int, team: str, by: str) -> DefinitionVersion:
        """Record *team*'s signature; the version comes into force when all owners signed."""
        target = self.version(name, version)
        if team not in target.definition.owners:
            raise PermissionDenied(
                f"{team} does not own {name}; its owners are {', '.join(target.definition.owners)}"
            )
        if target.status is not Status.PROPOSED:
            raise Conflict(
                f"{name} v{version} is {target.status.value}; only a proposed version "
                "can be signed",
                hint=f"accord definitions history {name}",
            )
        if team in {s.team for s in target.valid_signatures}:
            return target
        now = self._clock()
        signature = Signature(team, by, now, target.content_hash)
        signed = replace(target, signatures=(*target.signatures, signature))
        versions = self._versions[name]
        if not signed.pending_teams:
            for i, v in enumerate(versions):
                if v.status is Status.IN_FORCE:
                    versions[i] = replace(v, status=Status.RETIRED, ended_at=now)
            signed = replace(signed, status=Status.IN_FORCE, in_force_at=now)
        versions[version - 1] = signed
        return signed
