"""Admin pages: the users (by team and role) and the audit log of every change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from accord.web.deps import Auditor, StateDep, UserAdmin
from accord.web.listing import CSV_RESPONSE, ListingDep, download_response
from accord.web.models import AuditEntryPublic, Page, UserPublic
from accord.web.pages import render
from accord.web.services.admin import audit_page

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["admin"])

ActorFilter = Annotated[str | None, Query(max_length=120, description="Only this actor.")]
EntityFilter = Annotated[
    str | None, Query(max_length=200, description="Only this entity, e.g. definition:mqls.")
]


def _users(state: StateDep) -> list[UserPublic]:
    return [UserPublic.of(u, show_email=True) for u in state.users(include_inactive=True)]


@pages.get("/admin/users")
def users_page(request: Request, user: UserAdmin, state: StateDep) -> Response:
    """Every user by team, with role and whether they can sign in."""
    return render(request, "users.html", user=user, users=_users(state))


@pages.get("/admin/audit")
def audit_log_page(
    request: Request,
    user: Auditor,
    state: StateDep,
    listing: ListingDep,
    actor: ActorFilter = None,
    entity: EntityFilter = None,
) -> Response:
    """The audit log: who changed what, when, before and after."""
    rows, total = audit_page(
        state, offset=listing.offset, limit=listing.limit, actor=actor, entity=entity
    )
    page: Page[AuditEntryPublic] = Page(
        items=[AuditEntryPublic.of(r) for r in rows],
        total=total,
        offset=listing.offset,
        limit=listing.limit,
    )
    return render(request, "audit.html", user=user, page=page, actor=actor, entity=entity)


@api.get("/users", response_model=Page[UserPublic], responses=CSV_RESPONSE)
def users(user: UserAdmin, state: StateDep, listing: ListingDep) -> Page[UserPublic] | Response:
    """Every user (deactivated ones too), by team and name."""
    items = _users(state)
    if listing.download:
        return download_response(listing, items, "accord-users.csv", list(UserPublic.model_fields))
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


@api.get("/audit", response_model=Page[AuditEntryPublic], responses=CSV_RESPONSE)
def audit(
    user: Auditor,
    state: StateDep,
    listing: ListingDep,
    actor: ActorFilter = None,
    entity: EntityFilter = None,
) -> Page[AuditEntryPublic] | Response:
    """The audit log, newest first."""
    if listing.download:
        rows, _ = audit_page(state, offset=0, limit=None, actor=actor, entity=entity)
        return download_response(
            listing,
            [AuditEntryPublic.of(r) for r in rows],
            "accord-audit.csv",
            list(AuditEntryPublic.model_fields),
        )
    rows, total = audit_page(
        state, offset=listing.offset, limit=listing.limit, actor=actor, entity=entity
    )
    return Page(
        items=[AuditEntryPublic.of(r) for r in rows],
        total=total,
        offset=listing.offset,
        limit=listing.limit,
    )
