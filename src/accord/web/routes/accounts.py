"""The Accounts page: search by domain, name or id, and the account 360 timeline across
teams (page and API); personal data masked without ``view_pii``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.web.deps import AccountsViewer, RuntimeDep, WarehouseDep
from accord.web.listing import CSV_RESPONSE, ListingDep, download_response
from accord.web.models import Page
from accord.web.pages import render
from accord.web.permissions import Action, allows
from accord.web.runtime import Runtime
from accord.web.services.accounts import (
    TIMELINE_COLUMNS,
    Account360Public,
    AccountMatchPublic,
    TimelineRowPublic,
    account_360,
    load_account,
    search,
)

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])

SearchQuery = Annotated[
    str, Query(min_length=1, max_length=200, description="A domain, company name or id.")
]
OptionalQuery = Annotated[str | None, Query(max_length=200, description="What to look for.")]
AccountId = Annotated[
    str, Path(min_length=1, max_length=200, description="An account id (from a search).")
]


@pages.get("/accounts")
def accounts_page(
    request: Request,
    user: AccountsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    q: OptionalQuery = None,
) -> Response:
    """Search accounts; one match opens its 360."""
    query = (q or "").strip()
    matches = (
        runtime.cached(("accounts-search", query), lambda: search(warehouse, query))
        if query
        else []
    )
    return render(request, "accounts.html", user=user, q=query, matches=matches)


@pages.get("/accounts/{account_id}")
def account_page(
    request: Request,
    user: AccountsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    account_id: AccountId,
) -> Response:
    """The account 360: people, counts per kind, usage and the timeline, newest first."""
    view = _account(runtime, warehouse, user, account_id)
    return render(request, "account.html", user=user, view=view, account_id=account_id)


@api.get("", response_model=Page[AccountMatchPublic], responses=CSV_RESPONSE)
def accounts(
    user: AccountsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    q: SearchQuery,
) -> Page[AccountMatchPublic] | Response:
    """Accounts matching *q* (a domain, a company name, exact or fuzzy, or an id), best
    first."""
    query = q.strip()
    items = runtime.cached(("accounts-search", query), lambda: search(warehouse, query))
    if listing.download:
        rows = [m.model_dump() for m in items]
        return download_response(
            listing, rows, "accord-accounts.csv", list(AccountMatchPublic.model_fields)
        )
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


def _account(
    runtime: Runtime, warehouse: Warehouse, user: UserRecord, account_id: str
) -> Account360Public:
    """The account as *user* may see it: computed once, masked once per kind of viewer."""
    show = allows(user, Action.VIEW_PII)
    version = runtime.version()
    raw = runtime.cache.get(
        ("account-360", account_id), version, lambda: load_account(warehouse, account_id)
    )
    return runtime.cache.get(
        ("account-360-public", account_id, show),
        version,
        lambda: account_360(raw, show_pii=show),
    )


@api.get("/{account_id}", response_model=Account360Public)
def account(
    user: AccountsViewer, runtime: RuntimeDep, warehouse: WarehouseDep, account_id: AccountId
) -> Account360Public:
    """The account 360 (the latest 500 timeline rows, newest first; ``counts`` counts all)."""
    return _account(runtime, warehouse, user, account_id)


@api.get("/{account_id}/timeline", response_model=Page[TimelineRowPublic], responses=CSV_RESPONSE)
def account_timeline(
    user: AccountsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    account_id: AccountId,
) -> Page[TimelineRowPublic] | Response:
    """The account's timeline, newest first, page by page (CSV: all of it)."""
    rows = _account(runtime, warehouse, user, account_id).timeline
    if listing.download:
        return download_response(listing, rows, "accord-account-timeline.csv", TIMELINE_COLUMNS)
    window = rows[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(rows), offset=listing.offset, limit=listing.limit)
