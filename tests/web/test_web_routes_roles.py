"""Every route by every role against the permission table (``accord.web.permissions``).

The routes are enumerated from ``app.routes``: a route that declares no permission, or
that this file has no way to call, fails a test, so no route can be forgotten. Each is
then called by every test user (a lead and a member of each team, and an admin) and by
nobody: the answer must be "refused" exactly when the table says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from web_helpers import (
    COOKIE_DOMAIN,
    FIXTURES,
    USERS,
    ClientFor,
    TestClient,
    csrf_of,
    mint_session,
)

from accord.data.state import UserRecord
from accord.data.state.models import utcnow
from accord.web.deps import Permit, Public
from accord.web.permissions import Action, allows
from accord.web.security import COOKIE_NAME

FRAMEWORK_ROUTES = {
    "/api/v1/openapi.json": "the OpenAPI document describes the API, no data (public)",
    "/static": "the stylesheet and vendored scripts (public)",
}
"""Routes that are not ours to guard, with the reason."""

MQL_OWNERS = ("marketing", "sales")


@dataclass(frozen=True)
class Call:
    """How to call a route: the path with its parameters, a body, the resource owners."""

    path: str
    json: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = field(default=None, hash=False)
    owners: tuple[str, ...] | None = None


def _csv() -> dict[str, Any]:
    return {"file": ("invoices.csv", (FIXTURES / "stripe-invoices.csv").read_bytes(), "text/csv")}


CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/login"): Call("/login"),
    ("POST", "/login"): Call("/login", data={"name": "nobody"}),  # 422: no Argon2 run
    ("POST", "/logout"): Call("/logout"),
    ("GET", "/healthz"): Call("/healthz"),
    ("GET", "/api/v1/me"): Call("/api/v1/me"),
    ("GET", "/"): Call("/"),
    ("GET", "/api/v1/scorecard"): Call("/api/v1/scorecard"),
    ("GET", "/api/v1/scorecard/goals"): Call("/api/v1/scorecard/goals"),
    ("GET", "/api/v1/scorecard/metrics"): Call("/api/v1/scorecard/metrics"),
    ("GET", "/definitions"): Call("/definitions"),
    ("GET", "/definitions/{name}"): Call("/definitions/mqls"),
    ("GET", "/definitions/{name}/diff"): Call("/definitions/mqls/diff?from=1&to=1"),
    ("GET", "/definitions/{name}/propose"): Call("/definitions/mqls/propose", owners=MQL_OWNERS),
    ("POST", "/definitions/{name}/propose"): Call(
        "/definitions/mqls/propose", data={"yaml": "not: [valid"}, owners=MQL_OWNERS
    ),
    ("POST", "/definitions/{name}/sign"): Call(
        "/definitions/mqls/sign", data={"version": "1"}, owners=MQL_OWNERS
    ),
    ("GET", "/api/v1/definitions"): Call("/api/v1/definitions"),
    ("GET", "/api/v1/definitions/{name}"): Call("/api/v1/definitions/mqls"),
    ("GET", "/api/v1/definitions/{name}/history"): Call("/api/v1/definitions/mqls/history"),
    ("GET", "/api/v1/definitions/{name}/diff"): Call(
        "/api/v1/definitions/mqls/diff?from_version=1&to_version=1"
    ),
    ("POST", "/api/v1/definitions/{name}/proposals"): Call(
        "/api/v1/definitions/mqls/proposals", json={"yaml": "not: [valid"}, owners=MQL_OWNERS
    ),
    ("POST", "/api/v1/definitions/{name}/signatures"): Call(
        "/api/v1/definitions/mqls/signatures", json={"version": 1}, owners=MQL_OWNERS
    ),
    ("GET", "/data"): Call("/data"),
    ("GET", "/data/quarantine"): Call("/data/quarantine"),
    ("POST", "/data/uploads"): Call("/data/uploads", data={"preset": "no-such-preset"}),
    ("GET", "/data/uploads/{job_id}"): Call("/data/uploads/nosuchjob"),
    ("GET", "/api/v1/tables"): Call("/api/v1/tables"),
    ("GET", "/api/v1/loads"): Call("/api/v1/loads"),
    ("GET", "/api/v1/quarantine"): Call("/api/v1/quarantine"),
    ("GET", "/api/v1/presets"): Call("/api/v1/presets"),
    ("POST", "/api/v1/uploads"): Call("/api/v1/uploads", data={"preset": "no-such-preset"}),
    ("GET", "/api/v1/uploads"): Call("/api/v1/uploads"),
    ("GET", "/api/v1/uploads/{job_id}"): Call("/api/v1/uploads/nosuchjob"),
    ("GET", "/funnel"): Call("/funnel"),
    ("GET", "/api/v1/funnel"): Call("/api/v1/funnel"),
    ("GET", "/api/v1/funnel/{table}"): Call("/api/v1/funnel/sla_breaches"),
    ("GET", "/credit"): Call("/credit"),
    ("GET", "/api/v1/credit"): Call("/api/v1/credit"),
    ("GET", "/api/v1/credit/{table}"): Call("/api/v1/credit/teams"),
    ("GET", "/economics"): Call("/economics"),
    ("POST", "/economics/proposals"): Call("/economics/proposals", data={"budget": "-1"}),
    ("POST", "/economics/proposals/{proposal_id}/approve"): Call(
        "/economics/proposals/999999/approve"
    ),
    ("POST", "/economics/proposals/{proposal_id}/reject"): Call(
        "/economics/proposals/999999/reject", data={"why": "too much on events"}
    ),
    ("GET", "/api/v1/economics"): Call("/api/v1/economics"),
    ("POST", "/api/v1/economics/proposals"): Call(
        "/api/v1/economics/proposals", json={"budget": -1}
    ),
    ("GET", "/api/v1/economics/{table}"): Call("/api/v1/economics/budget_recommendation"),
    ("GET", "/api/v1/budget/proposals"): Call("/api/v1/budget/proposals"),
    ("GET", "/api/v1/budget/proposals/{proposal_id}"): Call("/api/v1/budget/proposals/999999"),
    ("POST", "/api/v1/budget/proposals/{proposal_id}/approvals"): Call(
        "/api/v1/budget/proposals/999999/approvals"
    ),
    ("POST", "/api/v1/budget/proposals/{proposal_id}/rejections"): Call(
        "/api/v1/budget/proposals/999999/rejections", json={"why": "too much on events"}
    ),
    ("GET", "/accounts"): Call("/accounts?q=acme"),
    ("GET", "/accounts/{account_id}"): Call("/accounts/hubspot:no-such-account"),
    ("GET", "/api/v1/accounts"): Call("/api/v1/accounts?q=acme"),
    ("GET", "/api/v1/accounts/{account_id}"): Call("/api/v1/accounts/hubspot:no-such-account"),
    ("GET", "/api/v1/accounts/{account_id}/timeline"): Call(
        "/api/v1/accounts/hubspot:no-such-account/timeline"
    ),
    ("GET", "/admin/users"): Call("/admin/users"),
    ("GET", "/admin/audit"): Call("/admin/audit"),
    ("GET", "/api/v1/users"): Call("/api/v1/users"),
    ("GET", "/api/v1/audit"): Call("/api/v1/audit"),
}
"""One way to call each route (the uploads name an unknown preset: nothing is loaded)."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    route: APIRoute

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


def app_routes(app: FastAPI) -> Iterator[Route | str]:
    """Every route of *app*: ours as :class:`Route`, anything else by its path."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:  # a plain Starlette route or mount
            yield str(getattr(route, "path", route))
            continue
        for context in contexts():
            original = context.original_route
            assert isinstance(original, APIRoute), original
            for method in sorted(context.methods):
                yield Route(method, context.path, original)


def declared(route: APIRoute) -> list[Permit | Public]:
    """The Permit / Public markers among a route's dependencies."""
    found: list[Permit | Public] = []
    todo = list(route.dependant.dependencies)
    while todo:
        dep = todo.pop()
        if isinstance(dep.call, Permit | Public):
            found.append(dep.call)
        todo.extend(dep.dependencies)
    return found


def test_every_route_declares_exactly_one_permission(app: FastAPI) -> None:
    missing, ambiguous = [], []
    for route in app_routes(app):
        if isinstance(route, str):
            assert route in FRAMEWORK_ROUTES, f"{route}: not an APIRoute and not exempted"
            continue
        marks = {repr(m) for m in declared(route.route)}
        if not marks:
            missing.append(route.key)
        elif len(marks) > 1:
            ambiguous.append((route.key, marks))
    assert missing == [], f"routes without a Permit(...) or PUBLIC: {missing}"
    assert ambiguous == [], f"routes with several permissions: {ambiguous}"


def test_every_route_has_a_call_in_this_file(app: FastAPI) -> None:
    keys = {r.key for r in app_routes(app) if isinstance(r, Route)}
    assert keys - set(CALLS) == set(), "add a Call for the new routes to CALLS"
    assert set(CALLS) - keys == set(), "CALLS names routes that no longer exist"


def _action(app: FastAPI, key: tuple[str, str]) -> Action | None:
    for route in app_routes(app):
        if isinstance(route, Route) and route.key == key:
            [mark] = {repr(m): m for m in declared(route.route)}.values()
            return mark.action if isinstance(mark, Permit) else None
    raise AssertionError(f"no route {key}")


ENDS_SESSION = {("POST", "/logout"), ("POST", "/login")}
"""Calls that end or replace the caller's session: made with a throwaway client."""


def _send(client: TestClient, method: str, call: Call) -> Any:
    headers = {"X-CSRF-Token": csrf_of(client)} if method != "GET" else {}
    files = _csv() if call.path.endswith("uploads") else None
    return client.request(
        method, call.path, json=call.json, data=call.data, files=files, headers=headers
    )


def _user(name: str, team: str, role: str) -> UserRecord:
    return UserRecord(name, None, team, role, True, utcnow(), True)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", sorted(CALLS), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_by_role(
    key: tuple[str, str], app: FastAPI, client: TestClient, as_user: ClientFor
) -> None:
    method, _ = key
    call = CALLS[key]
    action = _action(app, key)
    wrong = []
    for name, team, role in USERS:
        caller = as_user(name)
        if key in ENDS_SESSION:
            caller = TestClient(app, follow_redirects=False)
            caller.cookies.set(COOKIE_NAME, mint_session(app, name), domain=COOKIE_DOMAIN)
        response = _send(caller, method, call)
        allowed = action is None or allows(_user(name, team, role), action, owners=call.owners)
        refused = response.status_code == 403
        if refused == allowed or response.status_code in (401, 500):
            wrong.append(f"{name}: {response.status_code} (allowed: {allowed})")
        if refused and key[1].startswith("/api/"):
            assert response.json()["error"]["code"] == "permission_denied"
    assert wrong == [], f"{method} {call.path} ({action}): " + "; ".join(wrong)


@pytest.mark.parametrize("key", sorted(CALLS), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_without_sign_in(key: tuple[str, str], app: FastAPI) -> None:
    method, path = key
    action = _action(app, key)
    anonymous = TestClient(app, follow_redirects=False)
    if method != "GET":  # an anonymous session with its CSRF token, as a browser would have
        anonymous.get("/login")
    response = _send(anonymous, method, CALLS[key])
    if action is None:
        assert response.status_code not in (401, 403), response.text
    elif path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
