"""Helpers of the web tests: the tiny company, its users, signing in.

The company (``fixtures/``) is small enough to count by hand: eight HubSpot contacts of
which six became MQLs (two in each of January, February and March 2025; one of January's
and one of March's came from the OFFLINE source); ``one-bad-row.csv``: two more leads,
and a row whose create date ``31/02/2025 25:61`` is quarantined; three Stripe invoices
(1,200, 800 and 1,200 USD in January, February and March 2025). The starter definitions
it needs are proposed and signed by every owning team's lead, so they are in force.

Every user's password is :data:`PASSWORD`.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.state import DEFAULT_TEAMS, StateStore
from accord.data.state.passwords import current_fingerprint, set_password
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.starter import starter_catalog
from accord.definitions.store import Status
from accord.definitions.workflow import install_starter
from accord.web import WebSettings
from accord.web.runtime import Runtime
from accord.web.security import COOKIE_NAME, Session

with warnings.catch_warnings():
    # Starlette 1.x asks for the httpx2 package; httpx (installed) works the same.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key-" + "x" * 32
ADMIN = "ada-admin"
USERS: tuple[tuple[str, str, str], ...] = (
    *((f"{team}-{role}", team, role) for team in DEFAULT_TEAMS for role in ("lead", "member")),
    (ADMIN, "marketing", "admin"),
)
"""(name, team, role) of every test user: a lead and a member per team, and an admin."""

ClientFor = Callable[[str], TestClient]
COOKIE_DOMAIN = "testserver.local"
"""Where TestClient keeps the server's cookies (a minted cookie must be in the same jar
entry, or the server's next Set-Cookie makes a second one)."""


def settings(**overrides: object) -> WebSettings:
    """Test settings: a fixed key (cookies can be minted), plain HTTP."""
    return WebSettings.model_validate({"secret_key": SECRET} | overrides)


DEFINITIONS = (
    "mqls",
    "revenue",
    "marketing_sourced_pipeline",
    "marketing_influenced_pipeline",
    "company_revenue_2025",
    "marketing_pipeline_2025",
    "mql_volume_2025",
)
"""The starter definitions of the fast tier's company: a subset that validates on its own
(metrics, what they refer to, the goals on them); the browser tests use the whole pack."""


def build_company(root: Path, *, full_starter: bool = False) -> None:
    """Make the tiny company's workspace in *root*: data, users, signed definitions.

    Every user gets the same Argon2 hash of :data:`PASSWORD` (hashing once: a hash takes
    most of a second here), written the way ``set_password`` writes it.
    """
    ws = Workspace.init(root, name="acme")
    with ws.warehouse() as wh:
        for file, preset in (
            ("hubspot-contacts.csv", "hubspot-contacts"),
            ("one-bad-row.csv", "hubspot-contacts"),
            ("stripe-invoices.csv", "stripe-invoices"),
        ):
            load_file(wh, FIXTURES / file, mapping=get_preset(preset), actor="test")  # fmt: skip
    with ws.state() as state:
        for name, team, role in USERS:
            state.add_user(name, team=team, role=role, email=f"{name}@acme.test", actor="test")
        with state.session() as session:
            set_password(session, ADMIN, PASSWORD, actor="test")
        with state.engine.begin() as conn:
            conn.execute(
                text("UPDATE users SET password_hash = "
                     "(SELECT password_hash FROM users WHERE name = :admin)"),
                {"admin": ADMIN},
            )  # fmt: skip
        store = SqlDefinitionStore(state)
        if full_starter:
            proposed = install_starter(store, actor="test")
        else:
            catalog = starter_catalog()
            proposed = store.propose_all(
                [catalog.get(n).definition for n in DEFINITIONS],
                by="test",  # type: ignore[union-attr]
            )
        for version in proposed:
            for team in version.definition.owners:
                store.sign(version.name, version=version.version, team=team, by=f"{team}-lead")
        assert all(v.status is Status.IN_FORCE for v in store.current())


def same_password_for_everyone(state: StateStore) -> None:
    """Give every user :data:`PASSWORD` (adding the admin :data:`ADMIN` if missing),
    hashing once: the hash is copied, the way ``set_password`` writes it."""
    if ADMIN not in {u.name for u in state.users(include_inactive=True)}:
        state.add_user(ADMIN, team="marketing", role="admin", email=None, actor="test")
    with state.session() as session:
        set_password(session, ADMIN, PASSWORD, actor="test")
    with state.engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET password_hash = "
                 "(SELECT password_hash FROM users WHERE name = :admin)"),
            {"admin": ADMIN},
        )  # fmt: skip


def mint_session(app: FastAPI, name: str) -> str:
    """A valid session cookie value for *name* (as sign-in would set it)."""
    runtime: Runtime = app.state.runtime
    with runtime.state.session() as db:
        fingerprint = current_fingerprint(db, name)
    assert fingerprint is not None, name
    return runtime.sessions.dumps(Session.new(user=name, fingerprint=fingerprint))


def csrf_of(client: TestClient) -> str:
    """The CSRF token of *client*'s session."""
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    session = runtime.sessions.loads(client.cookies.get(COOKIE_NAME))
    assert session is not None
    return session.csrf


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Sign in through the form (GET /login for the CSRF token, then POST)."""
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": match.group(1)}
    )
    assert response.status_code == 303, response.text
    return client


# Debian's chromium and the flags DESIGN.md §6 gives, for the browser tests (one
# session-scoped ``browser`` fixture in conftest.py: Playwright's sync API allows one
# instance per thread, so every browser test module shares it).
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


MQLS_V2 = """\
kind: metric
name: mqls
owners: [marketing, sales]
description: >-
  Marketing-qualified leads, not counting leads from other sources (offline lists).
body:
  measure:
    agg: count_distinct
    table: lifecycle_events
    column: contact_id
    time: ts
    filters:
      - {column: stage, op: eq, value: mql}
      - {column: contact_id.lead_source, op: ne, value: other}
  dimensions:
    segment: contact_id.account_id.segment
    region: contact_id.country
    lead_source: contact_id.lead_source
    rep: contact_id.owner_id
  direction: higher
  unit: count
  format: ",.0f"
"""
"""mqls v2 of the starter metric: leads from other sources (offline lists) left out."""


def plain_rows(value: Any) -> Any:
    """Rows as the API serialises them: ISO times, NaN as null."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()).replace("NaN", "null"))


def same_rows(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Equal rows; floats to 1e-9 (the warehouse may sum in another order)."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for key, value in w.items():
            if isinstance(value, float):
                assert g[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (key, g, w)
            else:
                assert g[key] == value, (key, g, w)
