"""The seam to the state store: versions, signatures, and the in-force lookup.

The state store (``accord.data.state``) keeps every version of every definition and every
signature; this module fixes what it must offer (:class:`DefinitionStore`, a
``Protocol``) and the records it returns. The rules every implementation keeps:

1. Proposing a definition whose content hash (:func:`~accord.definitions.hashing.
   content_hash`) differs from the latest live (proposed or in-force) version creates a
   new version, status ``proposed``, and withdraws older proposals; proposing an
   unchanged definition returns that version, and proposing the in-force content again
   withdraws the proposals and returns the in-force version. (A withdrawn content proposed
   again is a new version: its old signatures stay with the withdrawn one.)
2. A signature records the team, the person, the time and the content hash of the version
   signed; it counts for a version only if the hashes match and the team owns it, so a
   signature never carries over to a changed body.
3. When every owning team has signed a proposed version it comes into force and the
   previous in-force version retires; until then the previous version stays in force.
   At most one version per name is in force.

:func:`resolve_in_force` gathers the in-force versions of a metric and of every metric it
is built from, or says who still has to sign what (the metric's newest version and, for
one not in force, the inputs that version would use).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from accord.definitions.metric import MetricDefinition
from accord.definitions.results import Citation, Signatory
from accord.definitions.specs import Definition
from accord.errors import Conflict, NotFound

__all__ = [
    "DefinitionStore",
    "DefinitionVersion",
    "InForce",
    "InForceLookup",
    "InForceSnapshot",
    "NotInForce",
    "Pending",
    "Signature",
    "Status",
    "resolve_in_force",
]


class Status(StrEnum):
    """Where a version is in its life."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    IN_FORCE = "in_force"
    RETIRED = "retired"
    WITHDRAWN = "withdrawn"
    """Replaced by a newer proposal before it came into force."""


@dataclass(frozen=True, slots=True)
class Signature:
    """A team's signature, bound to the content hash of what was signed."""

    team: str
    user: str
    signed_at: datetime
    content_hash: str


@dataclass(frozen=True, slots=True)
class DefinitionVersion:
    """One version of a definition as the state store keeps it."""

    definition: Definition
    version: int
    status: Status
    content_hash: str
    proposed_by: str
    proposed_at: datetime
    signatures: tuple[Signature, ...] = ()
    in_force_at: datetime | None = None
    """When it came into force (``None`` if it never did)."""
    ended_at: datetime | None = None
    """When it retired or was withdrawn (``None`` while proposed or in force)."""

    @property
    def name(self) -> str:
        """The definition's name."""
        return self.definition.name

    @property
    def valid_signatures(self) -> tuple[Signature, ...]:
        """Signatures that count: by an owning team, on this exact content."""
        owners = set(self.definition.owners)
        return tuple(
            s for s in self.signatures if s.team in owners and s.content_hash == self.content_hash
        )

    @property
    def pending_teams(self) -> tuple[str, ...]:
        """Owning teams that have not signed this version yet."""
        signed = {s.team for s in self.valid_signatures}
        return tuple(t for t in self.definition.owners if t not in signed)

    def citation(self) -> Citation:
        """How a number cites this version."""
        return Citation(
            name=self.name,
            kind=self.definition.kind,
            version=self.version,
            content_hash=self.content_hash,
            signatories=tuple(
                Signatory(s.team, s.user, s.signed_at) for s in self.valid_signatures
            ),
        )


class InForceLookup(Protocol):
    """What computing a number needs from a store: the version in force of a name, and
    the newest one (to say who still has to sign it)."""

    def in_force(self, name: str) -> DefinitionVersion | None:
        """The version of *name* in force, if any."""
        ...

    def latest(self, name: str) -> DefinitionVersion | None:
        """The newest version of *name* whatever its status, if any."""
        ...


@dataclass(frozen=True, slots=True)
class InForceSnapshot:
    """The versions in force at one moment: a scorecard computed from it cites one
    consistent set of versions, even while someone signs, and reads the store once.

    Parameters
    ----------
    versions
        The versions in force, by name.
    store
        Asked for :meth:`latest` (names not in force are rare: no need to snapshot them).
    """

    versions: Mapping[str, DefinitionVersion]
    store: InForceLookup

    def in_force(self, name: str) -> DefinitionVersion | None:
        """The version of *name* in force when the snapshot was taken."""
        return self.versions.get(name)

    def latest(self, name: str) -> DefinitionVersion | None:
        """The newest version of *name* now."""
        return self.store.latest(name)


class DefinitionStore(Protocol):
    """What the state store offers the definitions layer (and the CLI and web app).

    Implementations raise :class:`~accord.errors.NotFound` for unknown names or versions,
    :class:`~accord.errors.PermissionDenied` when the person may not sign for the team
    (only a lead of an owning team may), and :class:`~accord.errors.Conflict` when signing
    a version that is not proposed.
    """

    def in_force(self, name: str) -> DefinitionVersion | None:
        """The version of *name* in force, if any."""
        ...

    def latest(self, name: str) -> DefinitionVersion | None:
        """The newest version of *name* whatever its status, if any."""
        ...

    def version(self, name: str, version: int) -> DefinitionVersion:
        """Version *version* of *name*."""
        ...

    def history(self, name: str) -> Sequence[DefinitionVersion]:
        """Every version of *name*, oldest first."""
        ...

    def names(self) -> Sequence[str]:
        """Every definition name, sorted."""
        ...

    def propose(self, definition: Definition, *, by: str) -> DefinitionVersion:
        """Propose *definition* as the next version of its name (rule 1)."""
        ...

    def sign(self, name: str, *, version: int, team: str, by: str) -> DefinitionVersion:
        """Record *team*'s signature of *version*, given by person *by* (rules 2, 3)."""
        ...


@dataclass(frozen=True, slots=True)
class Pending:
    """A definition a number needs that is not in force: its newest version and the teams
    that still have to sign it."""

    name: str
    version: int
    teams: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InForce:
    """The in-force metric specs a computation needs, with their citations."""

    metrics: dict[str, MetricDefinition]
    citations: dict[str, Citation]


@dataclass(frozen=True, slots=True)
class NotInForce:
    """An expected outcome: the metric (or an input) has no in-force version yet."""

    metric: str
    pending: tuple[Pending, ...]

    @property
    def message(self) -> str:
        """Who still has to sign what."""
        parts = [
            f"{p.name} v{p.version} needs the signature of {', '.join(p.teams) or 'nobody'}"
            for p in self.pending
        ]
        return f"{self.metric} has no version in force: " + "; ".join(parts)


def resolve_in_force(store: InForceLookup, name: str) -> InForce | NotInForce:
    """Gather the in-force versions of metric *name* and every metric it is built from.

    Raises
    ------
    NotFound
        *name*, or an input of a version in force, has never been proposed.
    Conflict
        A name a metric refers to is not a metric.
    """
    metrics: dict[str, MetricDefinition] = {}
    citations: dict[str, Citation] = {}
    pending: list[Pending] = []
    seen: set[str] = set()
    todo = [(name, False)]  # (name, reached only through a version not in force)
    while todo:
        current, hypothetical = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found = store.in_force(current)
        if found is None:
            latest = store.latest(current)
            if latest is None:
                if hypothetical:  # a proposal's input that was never proposed: it says so
                    continue  # when validated; here only the signatures matter
                raise NotFound(f"no definition called {current!r}", hint="accord definitions list")
            pending.append(Pending(current, latest.version, latest.pending_teams))
            if isinstance(latest.definition, MetricDefinition):  # name its inputs' signers too
                todo.extend((i, True) for i in latest.definition.body.inputs)
            continue
        definition = found.definition
        if not isinstance(definition, MetricDefinition):
            raise Conflict(f"{current!r} is a {definition.kind}, not a metric")
        metrics[current] = definition
        citations[current] = found.citation()
        todo.extend((i, hypothetical) for i in definition.body.inputs)
    if pending:
        return NotInForce(name, tuple(sorted(pending, key=lambda p: p.name)))
    return InForce(metrics, citations)
