"""Sign-in and request security: CSRF, session tampering and expiry, forged posts, login
throttling, API tokens, headers; passwords never stored or logged in clear."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from web_helpers import (
    ADMIN,
    COOKIE_DOMAIN,
    PASSWORD,
    SECRET,
    ClientFor,
    TestClient,
    csrf_of,
    login,
    mint_session,
    settings,
)

from accord.data.state.passwords import current_fingerprint, set_password
from accord.data.state.tokens import create_token, revoke_token
from accord.data.workspace import Workspace
from accord.web.middleware import BodyLimit
from accord.web.routes.auth import safe_next
from accord.web.runtime import Runtime
from accord.web.security import (
    COOKIE_NAME,
    LoginThrottle,
    Session,
    SessionCodec,
    set_session_cookie,
)

SIGN = "/api/v1/definitions/mqls/signatures"


def runtime_of(app: FastAPI) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


def fresh_client(app: FastAPI, name: str | None = None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if name is not None:
        c.cookies.set(COOKIE_NAME, mint_session(app, name), domain=COOKIE_DOMAIN)
    return c


def audit_count(app: FastAPI) -> int:
    return runtime_of(app).state_version()


# ---------------------------------------------------------------- CSRF
def test_unsafe_request_without_csrf_token_is_refused(app: FastAPI, as_user: ClientFor) -> None:
    lead = as_user("marketing-lead")
    before = audit_count(app)
    response = lead.post(SIGN, json={"version": 1})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    page = lead.post("/definitions/mqls/sign", data={"version": "1"})
    assert page.status_code == 403
    assert 'data-code="csrf_failed"' in page.text
    assert audit_count(app) == before


def test_wrong_or_foreign_csrf_token_is_refused(app: FastAPI, as_user: ClientFor) -> None:
    lead, other = as_user("sales-lead"), as_user("finance-lead")
    for token in ("forged", csrf_of(other), csrf_of(lead)[:-1]):
        response = lead.post(SIGN, json={"version": 1}, headers={"X-CSRF-Token": token})
        assert response.json()["error"]["code"] == "csrf_failed", token
        form = lead.post("/definitions/mqls/sign", data={"version": "1", "csrf_token": token})
        assert form.status_code == 403


def test_the_right_csrf_token_passes(as_user: ClientFor) -> None:
    lead = as_user("sales-lead")
    response = lead.post(SIGN, json={"version": 1}, headers={"X-CSRF-Token": csrf_of(lead)})
    assert response.status_code == 409  # past CSRF and permission: v1 is already in force
    assert response.json()["error"]["code"] == "conflict"


def test_forged_post_by_a_member_is_refused_and_changes_nothing(
    app: FastAPI, as_user: ClientFor
) -> None:
    member = as_user("sales-member")
    before = audit_count(app)
    proposal = {"yaml": "kind: metric\nname: mqls\n"}
    for path, body in ((SIGN, {"version": 1}), ("/api/v1/definitions/mqls/proposals", proposal)):
        response = member.post(path, json=body, headers={"X-CSRF-Token": csrf_of(member)})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert "lead" in response.json()["error"]["hint"]
    form = member.post(
        "/definitions/mqls/sign", data={"version": "1", "csrf_token": csrf_of(member)}
    )
    assert form.status_code == 403
    assert audit_count(app) == before


def test_a_lead_of_another_team_may_not_sign(as_user: ClientFor) -> None:
    finance = as_user("finance-lead")  # mqls is owned by marketing and sales
    response = finance.post(SIGN, json={"version": 1}, headers={"X-CSRF-Token": csrf_of(finance)})
    assert response.status_code == 403
    assert "owned by marketing, sales" in response.json()["error"]["message"]


# ---------------------------------------------------------------- sessions
def test_a_tampered_session_cookie_is_refused(app: FastAPI) -> None:
    genuine = mint_session(app, "marketing-member")
    payload, _, rest = genuine.partition(".")
    admin_payload = (
        URLSafeTimedSerializer(SECRET, salt="accord.session.v1")
        .dumps([ADMIN, "x", "y"])
        .partition(".")[0]
    )
    other_key = SessionCodec("another-key-" + "k" * 32, max_age=3600).dumps(
        Session.new(user=ADMIN, fingerprint="f")
    )
    for cookie in (admin_payload + "." + rest, genuine[:-3] + "abc", other_key, "garbage"):
        c = TestClient(app, follow_redirects=False)
        c.cookies.set(COOKIE_NAME, cookie, domain=COOKIE_DOMAIN)
        assert c.get("/api/v1/me").status_code == 401
        assert c.get("/admin/users").headers["location"].startswith("/login")
    assert payload  # the genuine cookie had a payload to swap


class _OldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 9 * 3600  # the session lasts 8 hours


def test_an_expired_session_cookie_is_refused(app: FastAPI) -> None:
    runtime = runtime_of(app)
    with runtime.state.session() as db:
        fingerprint = current_fingerprint(db, ADMIN)
    old = URLSafeTimedSerializer(SECRET, salt="accord.session.v1", signer=_OldSigner).dumps(
        [ADMIN, "csrf", fingerprint]
    )
    c = TestClient(app, follow_redirects=False)
    c.cookies.set(COOKIE_NAME, old, domain=COOKIE_DOMAIN)
    assert c.get("/api/v1/me").status_code == 401
    assert runtime.sessions.loads(old) is None
    fresh = fresh_client(app, ADMIN)
    assert fresh.get("/api/v1/me").status_code == 200


def test_a_new_password_or_deactivation_ends_sessions(app: FastAPI) -> None:
    runtime = runtime_of(app)
    c = fresh_client(app, "service-member")
    assert c.get("/api/v1/me").status_code == 200
    with runtime.state.session() as db:
        set_password(db, "service-member", "another long password", actor="test")
    assert c.get("/api/v1/me").status_code == 401
    d = fresh_client(app, "service-lead")
    assert d.get("/api/v1/me").status_code == 200
    with runtime.state.engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = false WHERE name = 'service-lead'"))
    assert d.get("/api/v1/me").status_code == 401


# ---------------------------------------------------------------- sign-in
def test_sign_in_sets_a_fresh_http_only_same_site_cookie(app: FastAPI) -> None:
    c = TestClient(app, follow_redirects=False)
    c.get("/login")
    anonymous_csrf = csrf_of(c)
    page = c.get("/login")
    response = c.post(
        "/login",
        data={"name": "product-lead", "password": PASSWORD, "csrf_token": anonymous_csrf,
              "next": "/definitions"},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/definitions"
    cookie = response.headers["set-cookie"].lower()
    for flag in ("httponly", "samesite=lax", "max-age=28800", "path=/"):
        assert flag in cookie
    assert "secure" not in cookie  # plain HTTP in tests; ACCORD_SECURE_COOKIES=1 adds it
    assert csrf_of(c) != anonymous_csrf  # a new session (no fixation)
    assert c.get("/api/v1/me").json()["user"]["name"] == "product-lead"
    assert "Sign in" in page.text


def test_sign_in_refuses_a_wrong_password_unknown_user_or_missing_token(app: FastAPI) -> None:
    c = TestClient(app, follow_redirects=False)
    c.get("/login")
    token = csrf_of(c)
    wrong = c.post("/login", data={"name": "product-member", "password": "nope" * 3,
                                   "csrf_token": token})  # fmt: skip
    unknown = c.post("/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong user name or password" in wrong.text
    assert "Wrong user name or password" in unknown.text
    no_token = TestClient(app, follow_redirects=False).post(
        "/login", data={"name": "product-member", "password": PASSWORD}
    )
    assert no_token.status_code == 403


def test_sign_in_never_redirects_off_site(app: FastAPI) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", ""):
        assert safe_next(target) == "/", target
    assert safe_next("/data?x=1") == "/data?x=1"
    c = TestClient(app, follow_redirects=False)
    c.get("/login")
    form = {"name": "product-lead", "password": PASSWORD, "csrf_token": csrf_of(c)}
    response = c.post("/login", data=form | {"next": "//evil.example"})
    assert response.headers["location"] == "/"


def test_login_throttling_backs_off_per_user_and_address(app: FastAPI) -> None:
    runtime = runtime_of(app)
    now = [1000.0]
    original = runtime.throttle.clock
    original_free = runtime.throttle.free_attempts
    runtime.throttle.clock = lambda: now[0]
    runtime.throttle.free_attempts = 2  # each attempt runs Argon2: keep them few
    try:
        c = TestClient(app, follow_redirects=False)
        c.get("/login")

        def attempt(password: str) -> Response:
            return c.post("/login", data={"name": "finance-member", "password": password,
                                          "csrf_token": csrf_of(c)})  # fmt: skip

        assert [attempt("wrong password!").status_code for _ in range(2)] == [400] * 2
        locked = attempt(PASSWORD)  # even the right password must wait
        assert locked.status_code == 429
        assert locked.headers["retry-after"] == "2"
        now[0] += 2.5
        assert attempt("wrong again!!").status_code == 400  # allowed once, then 4 s
        assert attempt(PASSWORD).headers["retry-after"] == "4"
        now[0] += 4.5
        assert attempt(PASSWORD).status_code == 303  # success clears the record
        assert attempt("wrong password!").status_code == 400
    finally:
        runtime.throttle.clock = original
        runtime.throttle.free_attempts = original_free


def test_throttle_keys_on_name_and_address_and_caps_the_wait() -> None:
    now = [0.0]
    throttle = LoginThrottle(free_attempts=2, backoff_seconds=1, max_backoff_seconds=8,
                             clock=lambda: now[0])  # fmt: skip
    for _ in range(10):
        throttle.failed("Ana", "10.0.0.1")
    with pytest.raises(Exception, match="Too many") as info:
        throttle.check("ana", "10.0.0.1")  # names compare case-insensitively
    assert info.value.retry_after == 8  # type: ignore[attr-defined]
    throttle.check("ana", "10.0.0.2")  # another address is not affected
    throttle.check("bo", "10.0.0.1")  # nor another name
    now[0] += 8.1
    throttle.check("ana", "10.0.0.1")


# ---------------------------------------------------------------- secrets in clear
def test_passwords_are_never_stored_or_logged_in_clear(
    app: FastAPI, workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "a new and very secret pass phrase"
    caplog.set_level(logging.DEBUG)
    runtime = runtime_of(app)
    with runtime.state.session() as db:
        set_password(db, "product-member", secret, actor="test")
    c = login(TestClient(app, follow_redirects=False), "product-member", secret)
    assert c.get("/api/v1/me").status_code == 200
    login_failed = TestClient(app, follow_redirects=False)
    login_failed.get("/login")
    login_failed.post("/login", data={"name": "product-member", "password": secret + "x",
                                      "csrf_token": csrf_of(login_failed)})  # fmt: skip
    assert all(secret not in r.getMessage() for r in caplog.records)
    state_file = Path(workspace.root) / "state.sqlite"
    for path in state_file.parent.glob("state.sqlite*"):
        assert secret.encode() not in path.read_bytes(), path
    with runtime.state.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
        audit = conn.execute(text("SELECT before, after FROM audit_log")).fetchall()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert all(secret not in str(row) for row in audit)


# ---------------------------------------------------------------- API tokens
def test_api_tokens_authenticate_without_csrf_and_stop_when_revoked(app: FastAPI) -> None:
    runtime = runtime_of(app)
    with runtime.state.session() as db:
        token, record = create_token(db, "sales-lead", name="script", actor="test")
    api = TestClient(app, follow_redirects=False)
    api.cookies.set(COOKIE_NAME, mint_session(app, "sales-member"), domain=COOKIE_DOMAIN)
    headers = {"Authorization": f"Bearer {token}"}
    me = api.get("/api/v1/me", headers=headers).json()
    assert (me["user"]["name"], me["authenticated_by"]) == ("sales-lead", "token")
    signed = api.post(SIGN, json={"version": 1}, headers=headers)
    assert signed.status_code == 409  # no CSRF needed with a token; v1 is in force already
    with runtime.state.session() as db:
        revoke_token(db, record.id, actor="test")
    refused = api.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer acd_forged"}).status_code == 401


# ---------------------------------------------------------------- headers and limits
def test_responses_carry_security_headers(as_user: ClientFor) -> None:
    c = as_user(ADMIN)
    for path in ("/", "/api/v1/me"):
        headers = c.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
    assert "no-store" not in c.get("/static/app.css").headers.get("cache-control", "")


def test_secure_cookies_when_configured() -> None:
    response = Response()
    codec = SessionCodec(SECRET, max_age=60)
    set_session_cookie(response, codec, Session.new(), settings(secure_cookies=True))
    assert "secure" in response.headers["set-cookie"].lower()


def test_request_bodies_over_the_limit_are_refused() -> None:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{len(await request.body())} bytes")

    app = BodyLimit(Starlette(routes=[Route("/", echo, methods=["POST"])]), max_bytes=10)
    c = TestClient(app)  # type: ignore[arg-type]
    assert c.post("/", content=b"x" * 10).status_code == 200
    big = c.post("/", content=b"x" * 11)
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "too_large"
    streamed = c.post("/", content=iter([b"x" * 6, b"x" * 6]))  # no Content-Length
    assert streamed.status_code == 413
