"""What the API returns (and the pages show): ``...Public`` models, and ``Page[T]``.

Lists are paginated with ``offset`` and ``limit``; a page says how many there are in all
(``total``) so a client knows when to stop.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from accord.data.state import AuditRecord, UserRecord
from accord.definitions.results import Citation
from accord.web.uploads import UploadJob

__all__ = [
    "AuditEntryPublic",
    "CitationPublic",
    "LoadPublic",
    "MePublic",
    "Page",
    "PresetPublic",
    "QuarantineRowPublic",
    "SignatoryPublic",
    "TableCountPublic",
    "UploadJobPublic",
    "UserPublic",
]

T = TypeVar("T")


class Public(BaseModel):
    """Base of every API model: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(Public, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="How many items there are in all.")
    offset: int
    limit: int


class UserPublic(Public):
    """A user (never their password hash)."""

    name: str
    email: str | None
    team: str
    role: Literal["member", "lead", "admin"]
    active: bool
    has_password: bool
    created_at: datetime

    @classmethod
    def of(cls, user: UserRecord, *, show_email: bool) -> UserPublic:
        """The public view; the email masked unless *show_email*."""
        from accord.web.pii import mask_email

        email = user.email if show_email or user.email is None else mask_email(user.email)
        return cls(
            name=user.name,
            email=email,
            team=user.team,
            role=user.role,
            active=user.active,
            has_password=user.has_password,
            created_at=user.created_at,
        )


class MePublic(Public):
    """The caller, and what they may do."""

    user: UserPublic
    authenticated_by: Literal["session", "token"]
    may: list[str]


class AuditEntryPublic(Public):
    """One entry of the audit log."""

    at: datetime
    actor: str
    action: str
    entity: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEntryPublic:
        """From the state store's record."""
        return cls(
            at=record.at,
            actor=record.actor,
            action=record.action,
            entity=record.entity,
            before=record.before,
            after=record.after,
        )


class TableCountPublic(Public):
    """Rows in one canonical table."""

    table: str
    rows: int


class LoadPublic(Public):
    """One load of a file into the warehouse."""

    load_id: str
    started_at: datetime
    finished_at: datetime | None
    actor: str | None
    file: str
    mapping: str
    status: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    skipped: int
    seconds: float
    message: str | None


class QuarantineRowPublic(Public):
    """One problem of one refused row (personal data masked unless the caller may see it)."""

    load_id: str
    file: str
    row: int | None
    table: str | None
    column: str | None
    value: str | None
    reason: str
    record: dict[str, Any] | None
    quarantined_at: datetime | None


class PresetPublic(Public):
    """A built-in mapping for a real export."""

    name: str
    title: str
    tables: list[str]


class UploadJobPublic(Public):
    """An upload and where its load is."""

    id: str
    user: str
    filename: str
    preset: str
    size: int
    status: Literal["queued", "running", "done", "failed"]
    percent: float
    stage: str
    created_at: datetime
    load_id: str | None
    rows_read: int | None
    inserted: int | None
    updated: int | None
    unchanged: int | None
    quarantined: int | None
    error: str | None
    hint: str | None

    @classmethod
    def of(cls, job: UploadJob) -> UploadJobPublic:
        """From the queue's job."""
        report = job.report
        return cls(
            id=job.id,
            user=job.user,
            filename=job.filename,
            preset=job.preset,
            size=job.size,
            status=job.status,
            percent=job.percent,
            stage=job.stage,
            created_at=job.created_at,
            load_id=report.load_id if report else None,
            rows_read=report.rows_read if report else None,
            inserted=report.inserted if report else None,
            updated=report.updated if report else None,
            unchanged=report.unchanged if report else None,
            quarantined=report.quarantined if report else None,
            error=job.error,
            hint=job.hint,
        )


class SignatoryPublic(Public):
    """Who signed for a team, and when."""

    team: str
    user: str
    at: datetime


class CitationPublic(Public):
    """The definition version a number used, and its signatures."""

    name: str
    kind: str
    version: int
    content_hash: str
    signed_by: list[SignatoryPublic]

    @classmethod
    def of(cls, citation: Citation) -> CitationPublic:
        """From the definitions layer's citation."""
        return cls(
            name=citation.name,
            kind=citation.kind,
            version=citation.version,
            content_hash=citation.content_hash,
            signed_by=[SignatoryPublic(team=s.team, user=s.user, at=s.signed_at)
                       for s in citation.signatories],
        )  # fmt: skip


class PointPublic(Public):
    """One period of a trend."""

    period: date
    value: float | None
