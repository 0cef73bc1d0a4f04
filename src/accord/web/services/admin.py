"""The admin pages: users and the audit log (paginated, newest first)."""

from __future__ import annotations

from sqlalchemy import func, select

from accord.data.state import AuditRecord, StateStore
from accord.data.state.models import AuditEntry

__all__ = ["audit_page"]


def audit_page(
    state: StateStore,
    *,
    offset: int,
    limit: int | None,
    actor: str | None = None,
    entity: str | None = None,
) -> tuple[list[AuditRecord], int]:
    """Audit entries (newest first) from *offset*, and how many there are in all."""
    query = select(AuditEntry)
    count = select(func.count(AuditEntry.id))
    if actor is not None:
        query, count = (
            query.where(AuditEntry.actor == actor),
            count.where(AuditEntry.actor == actor),
        )
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
        count = count.where(AuditEntry.entity == entity)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with state.session() as session:
        rows = [
            AuditRecord(e.at, e.actor, e.action, e.entity, e.before, e.after)
            for e in session.scalars(query)
        ]
        total = int(session.scalar(count) or 0)
    return rows, total
