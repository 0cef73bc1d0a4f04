"""Reading and updating definition version rows of the state store with plain queries.

Two queries read any set of versions with their signatures (no ORM objects: the ORM's
per-object bookkeeping costs more than the queries on small tables). A stored spec is
parsed and re-hashed once per process (:func:`record`); a spec whose hash is not the one
stored beside it was changed outside Accord and is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.data.state.models import DefinitionSignatureRow, DefinitionVersionRow, Team, User
from accord.definitions.hashing import content_hash
from accord.definitions.specs import Definition, parse_definition
from accord.definitions.store import DefinitionVersion, Signature, Status
from accord.errors import StoreError

__all__ = ["Stored", "StoredSignature", "V", "load", "record", "set_columns"]


@dataclass(frozen=True, slots=True)
class StoredSignature:
    """A signature row, with the team's and the person's names."""

    team: str
    user: str
    signed_at: datetime
    content_hash: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A version row and its signatures, read with two plain queries (no ORM objects)."""

    id: int
    name: str
    version: int
    status: str
    spec: dict[str, Any]
    content_hash: str
    owners: tuple[str, ...]
    proposed_by: str
    created_at: datetime
    in_force_at: datetime | None
    ended_at: datetime | None
    signatures: tuple[StoredSignature, ...]

    def snapshot(self, **changes: Any) -> dict[str, Any]:
        """What the audit log keeps of the version (with *changes* applied)."""
        data: dict[str, Any] = {
            "version": self.version,
            "status": self.status,
            "content_hash": self.content_hash,
            "signed_by": {s.team: s.user for s in self.signatures},
        }
        return data | changes


V = DefinitionVersionRow
"""The version table's model, for ``where`` clauses (``V.name == "mqls"``)."""
_S = DefinitionSignatureRow
_COLUMNS = (
    V.id,
    V.name,
    V.version,
    V.status,
    V.spec,
    V.content_hash,
    V.owners,
    V.proposed_by,
    V.created_at,
    V.in_force_at,
    V.ended_at,
)


def load(session: Session, where: Any, *, lock: bool = False) -> list[Stored]:
    """Versions matching *where* (ordered by name and version) with their signatures."""
    query = select(*_COLUMNS).where(where).order_by(V.name, V.version)
    if lock:  # PostgreSQL: one change to a name at a time (SQLite writes one at a time anyway)
        query = query.with_for_update()
    rows = session.execute(query).all()
    signatures: dict[int, list[StoredSignature]] = {}
    if rows:
        sig_rows = session.execute(
            select(_S.version_id, Team.name, User.name, _S.signed_at, _S.content_hash)
            .join(Team, Team.id == _S.team_id)
            .join(User, User.id == _S.user_id)
            .where(_S.version_id.in_([r.id for r in rows]))
            .order_by(_S.id)
        )
        for version_id, team, user, signed_at, digest in sig_rows:
            signatures.setdefault(version_id, []).append(
                StoredSignature(team, user, signed_at, digest)
            )
    return [
        Stored(
            id=r.id,
            name=r.name,
            version=r.version,
            status=r.status,
            spec=r.spec,
            content_hash=r.content_hash,
            owners=tuple(r.owners),
            proposed_by=r.proposed_by,
            created_at=r.created_at,
            in_force_at=r.in_force_at,
            ended_at=r.ended_at,
            signatures=tuple(signatures.get(r.id, ())),
        )
        for r in rows
    ]


@lru_cache(maxsize=4096)
def _parse(spec_json: str) -> tuple[Definition, str]:
    """A stored spec as a definition and its content hash (cached: specs never change)."""
    definition = parse_definition(json.loads(spec_json))
    return definition, content_hash(definition)


def record(stored: Stored) -> DefinitionVersion:
    definition, digest = _parse(json.dumps(stored.spec, sort_keys=True))
    if digest != stored.content_hash:
        raise StoreError(
            f"{stored.name} v{stored.version} in the state store does not match its content "
            "hash: it was changed outside Accord, so its signatures cannot be trusted.",
            hint="Restore the state store from a backup, or propose the definition again.",
        )
    return DefinitionVersion(
        definition=definition,
        version=stored.version,
        status=Status(stored.status),
        content_hash=digest,
        proposed_by=stored.proposed_by,
        proposed_at=stored.created_at,
        signatures=tuple(
            Signature(s.team, s.user, s.signed_at, s.content_hash) for s in stored.signatures
        ),
        in_force_at=stored.in_force_at,
        ended_at=stored.ended_at,
    )


def set_columns(session: Session, row: Stored, **values: Any) -> None:
    """Update one version row now (so that the database checks its constraints in order:
    the old version leaves force before the new one enters)."""
    session.execute(update(V).where(V.id == row.id).values(**values))
