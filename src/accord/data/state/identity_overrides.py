"""Identity overrides: a person's decision that records are, or are not, the same entity.

``accord resolve`` links records by rules and a model; people correct it here, and every
later run applies the corrections in the order they were made:

``merge``
    The listed records belong to one entity (whatever the model says).
``split``
    The listed records leave the entity they are in and form one entity of their own.
``apart``
    Two records are not the same entity (a rejected review pair): when a run puts them
    in one entity, the second leaves it.

Records are keys ``"<source_system>:<record_id>"`` as in the crosswalk tables
(:mod:`accord.identity.keys`); an override names records rather than resolved ids, so it
means the same thing after any re-run. Adding and revoking an override is written to the
audit log in the same transaction.

Examples
--------
>>> from accord.data.state import StateStore
>>> store = StateStore.connect("sqlite://")
>>> _ = store.upgrade()
>>> with store.session() as session:
...     o = add_override(session, entity="person", kind="merge",
...                      records=["hubspot:1", "salesforce:00Q1"], reason="same email",
...                      actor="sam")
>>> with store.session() as session:
...     [(o.kind, o.records) for o in list_overrides(session, entity="person")]
[('merge', ('hubspot:1', 'salesforce:00Q1'))]
>>> store.close()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from accord.data.state.audit import record_change
from accord.data.state.models import Base, UTCDateTime, utcnow
from accord.errors import InputError, NotFound

__all__ = [
    "ENTITIES",
    "KINDS",
    "Entity",
    "IdentityOverride",
    "Kind",
    "OverrideRecord",
    "add_override",
    "list_overrides",
    "revoke_override",
]

Entity = Literal["person", "account"]
Kind = Literal["merge", "split", "apart"]
ENTITIES: tuple[Entity, ...] = get_args(Entity)
KINDS: tuple[Kind, ...] = get_args(Kind)


class IdentityOverride(Base):
    """One manual merge or split (table ``identity_overrides``)."""

    __tablename__ = "identity_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    records: Mapped[list[str]] = mapped_column(JSON)
    target: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(120))


@dataclass(frozen=True, slots=True)
class OverrideRecord:
    """An override, detached from the session."""

    id: int
    entity: str
    kind: str
    records: tuple[str, ...]
    target: str | None
    reason: str
    origin: str
    actor: str
    created_at: datetime
    revoked_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (audit log, ``--format json``)."""
        return {
            "id": self.id,
            "entity": self.entity,
            "kind": self.kind,
            "records": list(self.records),
            "target": self.target,
            "reason": self.reason,
            "origin": self.origin,
            "actor": self.actor,
            "created_at": self.created_at.isoformat(),
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
        }


def _record(row: IdentityOverride) -> OverrideRecord:
    return OverrideRecord(
        id=row.id,
        entity=row.entity,
        kind=row.kind,
        records=tuple(row.records),
        target=row.target,
        reason=row.reason,
        origin=row.origin,
        actor=row.actor,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def add_override(
    session: Session,
    *,
    entity: str,
    kind: str,
    records: list[str],
    reason: str,
    actor: str,
    target: str | None = None,
    origin: str = "cli",
) -> OverrideRecord:
    """Store a merge or split and its audit entry in *session*.

    Raises
    ------
    InputError
        Unknown entity or kind, no reason, or too few records (a merge needs two, a
        split one).
    """
    if entity not in ENTITIES:
        raise InputError(f"unknown entity {entity!r}", hint=f"use one of {', '.join(ENTITIES)}")
    if kind not in KINDS:
        raise InputError(f"unknown override {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    if not reason.strip():
        raise InputError("an override needs a reason", hint="add --why 'what you checked'")
    unique = list(dict.fromkeys(records))
    if len(unique) < (1 if kind == "split" else 2) or (kind == "apart" and len(unique) != 2):
        raise InputError(
            f"a {kind} needs {'at least one record' if kind == 'split' else 'two records'}",
            hint="name records as <system>:<id> (see `accord identity show`)",
        )
    row = IdentityOverride(
        entity=entity,
        kind=kind,
        records=unique,
        target=target,
        reason=reason.strip(),
        origin=origin,
        actor=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    done = _record(row)
    record_change(
        session,
        actor=actor,
        action=f"identity.{kind}",
        entity=f"identity_override:{row.id}",
        after=done.as_dict(),
    )
    return done


def list_overrides(
    session: Session, *, entity: str | None = None, include_revoked: bool = False
) -> list[OverrideRecord]:
    """Overrides in the order they were made (the order they are applied)."""
    query = select(IdentityOverride).order_by(IdentityOverride.id)
    if entity is not None:
        query = query.where(IdentityOverride.entity == entity)
    if not include_revoked:
        query = query.where(IdentityOverride.revoked_at.is_(None))
    return [_record(r) for r in session.scalars(query)]


def revoke_override(session: Session, override_id: int, *, actor: str) -> OverrideRecord:
    """Stop applying an override (kept, marked revoked, audited).

    Raises
    ------
    NotFound
        No such override, or it is already revoked.
    """
    row = session.get(IdentityOverride, override_id)
    if row is None or row.revoked_at is not None:
        raise NotFound(
            f"no override {override_id} in force",
            hint="list them with `accord identity overrides`",
        )
    before = _record(row).as_dict()
    row.revoked_at = utcnow()
    row.revoked_by = actor
    session.flush()
    record_change(
        session,
        actor=actor,
        action="identity.revoke",
        entity=f"identity_override:{row.id}",
        before=before,
        after=_record(row).as_dict(),
    )
    return _record(row)
