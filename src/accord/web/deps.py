"""Dependencies of the routes, as ``Annotated`` aliases.

Those that only read memory are ``async`` (FastAPI runs them on the event loop, without a
trip to the thread pool); those that query a store are plain functions.

::

    RuntimeDep       the running server's stores and services
    WorkspaceDep     the workspace served
    StateDep         the state store (users, definitions, audit log)
    DefinitionsDep   the definition store over it
    WarehouseDep     a read-only view of the warehouse, private to the request
    SessionDep       the session cookie's content (``None``: no valid cookie)
    PrincipalDep     who is calling and how (session or API token); 401 if nobody
    CurrentUser      the calling user

Every route declares exactly one :class:`Permit` (an :class:`~accord.web.permissions.
Action` of the permission table) or :data:`PUBLIC`; the tests enumerate the routes and
fail on one that declares neither. :func:`csrf_protect` runs before every route.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from accord.data.state import StateStore, UserRecord
from accord.data.state.passwords import current_fingerprint
from accord.data.state.people import get_user
from accord.data.state.tokens import authenticate_token, token_digest
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import StoreError
from accord.web.errors import CsrfFailed, NotAuthenticated
from accord.web.permissions import Action, require
from accord.web.runtime import Runtime
from accord.web.security import (
    COOKIE_NAME,
    CSRF_FIELD,
    CSRF_HEADER,
    UNSAFE_METHODS,
    Session,
    bearer_token,
    csrf_matches,
)

__all__ = [
    "PUBLIC",
    "AccountsViewer",
    "ApiUser",
    "Auditor",
    "BudgetApprover",
    "CreditViewer",
    "CurrentUser",
    "DataViewer",
    "DefinitionsDep",
    "DefinitionsViewer",
    "EconomicsViewer",
    "FunnelViewer",
    "Permit",
    "Principal",
    "PrincipalDep",
    "Proposer",
    "Public",
    "RuntimeDep",
    "ScorecardViewer",
    "SessionDep",
    "Signer",
    "StateDep",
    "Uploader",
    "UserAdmin",
    "WarehouseDep",
    "WorkspaceDep",
    "csrf_protect",
]


async def get_runtime(request: Request) -> Runtime:
    """The runtime the app opened at start."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_workspace(runtime: RuntimeDep) -> Workspace:
    """The workspace being served."""
    return runtime.workspace


async def get_state(runtime: RuntimeDep) -> StateStore:
    """The state store."""
    return runtime.state


async def get_definitions(runtime: RuntimeDep) -> SqlDefinitionStore:
    """The definition store."""
    return runtime.definitions


async def get_warehouse(runtime: RuntimeDep) -> AsyncIterator[Warehouse]:
    """A read-only warehouse for this request (returned to the pool afterwards).

    Borrowing one only takes an idle reader from a list (a new DuckDB cursor the first
    time), so it runs on the event loop: no trip to the thread pool."""
    with runtime.warehouse.reader() as warehouse:
        yield warehouse


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
StateDep = Annotated[StateStore, Depends(get_state)]
DefinitionsDep = Annotated[SqlDefinitionStore, Depends(get_definitions)]
WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]


async def get_session(request: Request, runtime: RuntimeDep) -> Session | None:
    """The session in the cookie, if valid (signature and age checked)."""
    return runtime.sessions.loads(request.cookies.get(COOKIE_NAME))


SessionDep = Annotated[Session | None, Depends(get_session)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user, and whether by session cookie or API token."""

    user: UserRecord
    via: Literal["session", "token"]


AUTH_CACHE_SECONDS = 5.0
"""How long a checked credential is trusted without asking the state store again; every
write this server commits to the state store, and every new audit entry (any process),
forgets all of them at once."""

_AUTH_CACHE_MAX = 10_000


def _trusted(runtime: Runtime, key: tuple[str, ...], version: int | None) -> UserRecord | None:
    """The user of a credential checked recently, if nothing changed since (only
    successful checks are kept)."""
    found = runtime.credentials.get(key)
    if found is None or version is None or time.monotonic() - found[2] >= AUTH_CACHE_SECONDS:
        return None
    if found[0] != runtime.generation or found[1] != version:
        return None
    return found[3]


def _trust(runtime: Runtime, key: tuple[str, ...], stamp: tuple[int, int, float],
           user: UserRecord) -> None:  # fmt: skip
    if len(runtime.credentials) >= _AUTH_CACHE_MAX:
        runtime.credentials.clear()
    runtime.credentials[key] = (*stamp, user)


def _stamp(runtime: Runtime) -> tuple[int, int, float]:
    """Generation and state version *before* a check, so a change during it is not missed."""
    return runtime.generation, runtime.state_version(), time.monotonic()


def _retrying(runtime: Runtime, check: Callable[[Any], UserRecord | None]) -> UserRecord | None:
    """*check* in a state-store transaction, tried again (twice) if the store was busy.

    Checking a token notes its last use (a write, every few minutes); with SQLite, two
    such writes at once make one transaction fail at once (its snapshot is out of date)
    rather than wait: trying again a moment later succeeds.
    """
    for attempt in range(3):
        try:
            with runtime.state.session() as db:
                return check(db)
        except StoreError:
            if attempt == 2:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None  # pragma: no cover - the loop returns or raises


def _token_user(runtime: Runtime, key: tuple[str, ...], token: str) -> UserRecord | None:
    user = _trusted(runtime, key, runtime.state_version())
    if user is None:
        stamp = _stamp(runtime)
        user = _retrying(runtime, lambda db: authenticate_token(db, token))
        if user is not None:
            _trust(runtime, key, stamp, user)
    return user


def _session_user(runtime: Runtime, key: tuple[str, ...], session: Session) -> UserRecord | None:
    assert session.user is not None
    user = _trusted(runtime, key, runtime.state_version())
    if user is None:
        stamp = _stamp(runtime)
        with runtime.state.session() as db:
            fingerprint = current_fingerprint(db, session.user)
            valid = fingerprint is not None and hmac.compare_digest(
                fingerprint, session.fingerprint
            )
            user = get_user(db, session.user) if valid else None
        if user is not None:
            _trust(runtime, key, stamp, user)
    return user


async def get_principal(request: Request, runtime: RuntimeDep, session: SessionDep) -> Principal:
    """The caller, from an ``Authorization: Bearer`` token or else the session cookie.

    A credential checked in the last :data:`AUTH_CACHE_SECONDS` is not checked again
    unless the state store changed since (see :mod:`accord.web.runtime`): revoking a
    token, changing a password or deactivating a user through Accord takes effect at
    once; an edit of the state store's tables by another program within that time.

    Raises
    ------
    NotAuthenticated
        No credentials, or invalid ones (pages redirect to the sign-in page).
    """
    token = bearer_token(request)
    if token is not None:
        key: tuple[str, ...] = ("token", token_digest(token))
        user = _trusted(runtime, key, runtime.known_state_version())
        if user is None:  # checked in a worker thread: the state store may be queried
            user = await run_in_threadpool(_token_user, runtime, key, token)
        if user is None:
            raise NotAuthenticated(
                "The API token is not valid (unknown, revoked or expired).",
                hint="Create one with `accord tokens create --as USER`.",
            )
        request.state.user = user
        return Principal(user, "token")
    if session is None or session.user is None:
        raise NotAuthenticated("Sign in first.", hint="Open /login, or send an API token.")
    key = ("session", session.user, session.fingerprint)
    user = _trusted(runtime, key, runtime.known_state_version())
    if user is None:
        user = await run_in_threadpool(_session_user, runtime, key, session)
    if user is None:
        raise NotAuthenticated(
            "Your session has ended (password changed or user deactivated).",
            hint="Sign in again.",
        )
    request.state.user = user
    return Principal(user, "session")


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: PrincipalDep) -> UserRecord:
    """The calling user."""
    return principal.user


CurrentUser = Annotated[UserRecord, Depends(get_current_user)]


class Permit:
    """The permission a route needs (one :class:`Action` of the permission table).

    Use it as the route's dependency; it returns the calling user::

        @router.get("/data")
        def data(user: Annotated[UserRecord, Depends(Permit(Action.VIEW_DATA))]) -> ...
    """

    def __init__(self, action: Action) -> None:
        self.action = action

    async def __call__(self, user: CurrentUser) -> UserRecord:
        require(user, self.action)
        return user

    def __repr__(self) -> str:
        return f"Permit({self.action.value})"


class Public:
    """Marks a route that needs no sign-in (the sign-in page itself, health)."""

    async def __call__(self) -> None:
        return None

    def __repr__(self) -> str:
        return "Public()"


PUBLIC = Depends(Public())
"""``dependencies=[PUBLIC]`` on a route that anyone may call."""


async def csrf_protect(request: Request, runtime: RuntimeDep) -> None:
    """Refuse an unsafe cookie-authenticated request without the session's CSRF token.

    Raises
    ------
    CsrfFailed
        The token is missing or does not match the session's (403).
    """
    if request.method not in UNSAFE_METHODS or bearer_token(request) is not None:
        return
    session = runtime.sessions.loads(request.cookies.get(COOKIE_NAME))
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not given and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_matches(session, given):
        raise CsrfFailed(
            "The request was refused: its security (CSRF) token is missing or out of date.",
            hint="Reload the page and submit again; scripts send an API token instead.",
        )


ScorecardViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_SCORECARD))]
DataViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_DATA))]
Uploader = Annotated[UserRecord, Depends(Permit(Action.UPLOAD_DATA))]
FunnelViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_FUNNEL))]
CreditViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_CREDIT))]
EconomicsViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_ECONOMICS))]
AccountsViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_ACCOUNTS))]
BudgetApprover = Annotated[UserRecord, Depends(Permit(Action.APPROVE_BUDGET))]
DefinitionsViewer = Annotated[UserRecord, Depends(Permit(Action.VIEW_DEFINITIONS))]
Proposer = Annotated[UserRecord, Depends(Permit(Action.PROPOSE_DEFINITION))]
Signer = Annotated[UserRecord, Depends(Permit(Action.SIGN_DEFINITION))]
UserAdmin = Annotated[UserRecord, Depends(Permit(Action.MANAGE_USERS))]
Auditor = Annotated[UserRecord, Depends(Permit(Action.VIEW_AUDIT))]
ApiUser = Annotated[UserRecord, Depends(Permit(Action.USE_API))]
