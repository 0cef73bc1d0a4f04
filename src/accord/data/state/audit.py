"""The audit log: every change to the state store, with who, when, before and after.

Write the entry in the same session (transaction) as the change it records, so that a
change without its entry, or an entry without its change, cannot exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.data.state.models import AuditEntry, utcnow

__all__ = ["AuditRecord", "list_audit", "record_change"]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit entry, detached from the database session."""

    at: datetime
    actor: str
    action: str
    entity: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to *session* (committed with the change it describes).

    Parameters
    ----------
    actor
        A user name, or ``"system:<what>"`` / ``"cli:<login>"`` for changes made without
        an Accord user.
    action
        ``"<kind>.<verb>"``, e.g. ``"user.add"``, ``"definition.sign"``.
    entity
        ``"<kind>:<key>"``, e.g. ``"user:maria"``.
    before, after
        JSON-serialisable snapshots of the entity (``None`` when it did not / no longer
        exists).
    """
    session.add(
        AuditEntry(
            at=utcnow(), actor=actor, action=action, entity=entity, before=before, after=after
        )
    )


def list_audit(
    session: Session, *, entity: str | None = None, actor: str | None = None, limit: int = 100
) -> list[AuditRecord]:
    """The newest audit entries first, optionally for one entity or one actor."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return [
        AuditRecord(e.at, e.actor, e.action, e.entity, e.before, e.after)
        for e in session.scalars(query)
    ]
