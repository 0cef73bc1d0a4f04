"""Sign-in and sign-out (pages), who am I (API), and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from accord.data.state.passwords import MAX_LENGTH, check_password, current_fingerprint
from accord.web.deps import PUBLIC, ApiUser, PrincipalDep, RuntimeDep, SessionDep
from accord.web.models import MePublic, UserPublic
from accord.web.pages import render
from accord.web.permissions import Action, allows
from accord.web.security import Session, clear_session_cookie, set_session_cookie

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["auth"])


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path on this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@pages.get("/login", dependencies=[PUBLIC])
def login_page(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """The sign-in form (a session with a CSRF token is started for it)."""
    if session is None:
        session = Session.new()
        request.state.csrf = session.csrf
    response = render(request, "login.html", user=None, next=safe_next(next), error=None)
    set_session_cookie(response, runtime.sessions, session, runtime.settings)
    return response


@pages.post("/login", dependencies=[PUBLIC])
def login(
    request: Request,
    runtime: RuntimeDep,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=MAX_LENGTH)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password; on success start a signed-in session (new CSRF token)."""
    address = request.client.host if request.client else "unknown"
    runtime.throttle.check(name, address)
    with runtime.state.session() as db:
        user = check_password(db, name, password)
        fingerprint = current_fingerprint(db, name) if user is not None else None
    if user is None or fingerprint is None:
        runtime.throttle.failed(name, address)
        return render(
            request,
            "login.html",
            user=None,
            status=400,
            next=safe_next(next),
            error="Wrong user name or password (or the user has no password yet).",
            name=name,
        )
    runtime.throttle.succeeded(name, address)
    response = RedirectResponse(safe_next(next), status_code=303)
    fresh = Session.new(user=user.name, fingerprint=fingerprint)
    set_session_cookie(response, runtime.sessions, fresh, runtime.settings)
    return response


@pages.post("/logout", dependencies=[PUBLIC])
def logout(runtime: RuntimeDep) -> Response:
    """End the session."""
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, runtime.settings)
    return response


@pages.get("/healthz", dependencies=[PUBLIC])
async def health() -> dict[str, str]:
    """Liveness for a reverse proxy or orchestrator (no data, no sign-in)."""
    return {"status": "ok"}


@api.get("/me", response_model=MePublic)
async def me(user: ApiUser, principal: PrincipalDep) -> MePublic:
    """The caller, how they authenticated, and the actions they may take (memory only: on
    the event loop)."""
    return MePublic(
        user=UserPublic.of(user, show_email=True),
        authenticated_by=principal.via,
        may=[a.value for a in Action if allows(user, a)],
    )
