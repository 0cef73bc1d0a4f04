"""Performance machinery keeps every guarantee: cached credentials stop working when they
are revoked or their user deactivated, the state version is not read on every request,
the warm-up thread serves the previous scorecard while it recomputes (marked updating)
and a signed definition's new number appears once recomputed (the tiny company's MQL
counts are checked by hand in ``test_web_scorecard_definitions``: v1 counts 2, v2 1).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, text
from web_helpers import COOKIE_DOMAIN, MQLS_V2, TestClient, mint_session, settings

from accord.data.state.audit import record_change
from accord.data.state.tokens import authenticate_token, create_token, revoke_token
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import StoreError
from accord.web import create_app, snapshot
from accord.web import deps as deps_module
from accord.web import runtime as runtime_module
from accord.web.routes import scorecard as scorecard_routes
from accord.web.runtime import Runtime
from accord.web.security import COOKIE_NAME
from accord.web.services import definitions as definitions_service
from accord.web.services.scorecard import build_scorecard
from accord.web.snapshot import SNAPSHOT_PATH
from accord.web.warmup import Warmup


@pytest.fixture
def fresh(template_workspace: Path, tmp_path: Path) -> Workspace:
    """A private copy of the tiny company for one test."""
    shutil.copytree(template_workspace, tmp_path / "acme")
    return Workspace.open(tmp_path / "acme")


@pytest.fixture
def served(fresh: Workspace) -> Iterator[tuple[FastAPI, TestClient]]:
    """The app without warm-up, lifespan running."""
    app = create_app(fresh, settings=settings())
    with TestClient(app, follow_redirects=False) as client:
        yield app, client


def _mqls(card: dict[str, Any]) -> float:
    [found] = [m for m in card["metrics"] if m["name"] == "mqls"]
    return float(found["value"])


def test_a_cached_token_stops_at_once_when_revoked_here(
    served: tuple[FastAPI, TestClient],
) -> None:
    app, client = served
    runtime: Runtime = app.state.runtime
    with runtime.state.session() as db:
        token, record = create_token(db, "sales-lead", name="perf", actor="test")
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(3):  # the first checks the store, the next ones trust the cache
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert any(key[0] == "token" for key in runtime.credentials)
    with runtime.state.session() as db:
        revoke_token(db, record.id, actor="test")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_cached_session_ends_at_once_when_the_user_is_deactivated_here(
    served: tuple[FastAPI, TestClient],
) -> None:
    app, _ = served
    runtime: Runtime = app.state.runtime
    c = TestClient(app, follow_redirects=False)
    c.cookies.set(COOKIE_NAME, mint_session(app, "service-lead"), domain=COOKIE_DOMAIN)
    assert c.get("/api/v1/me").status_code == 200
    assert c.get("/api/v1/me").status_code == 200  # from the cache
    with runtime.state.engine.begin() as conn:  # not audited: the commit itself counts
        conn.execute(text("UPDATE users SET active = false WHERE name = 'service-lead'"))
    assert c.get("/api/v1/me").status_code == 401


def test_changes_by_another_process_count_within_the_documented_delays(
    served: tuple[FastAPI, TestClient], fresh: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = served
    monkeypatch.setattr(runtime_module, "STATE_POLL_SECONDS", 0.2)
    monkeypatch.setattr(deps_module, "AUTH_CACHE_SECONDS", 0.5)
    runtime: Runtime = app.state.runtime
    with runtime.state.session() as db:
        token, record = create_token(db, "sales-lead", name="perf", actor="test")
        other, _ = create_token(db, "service-member", name="perf2", actor="test")
    headers = {"Authorization": f"Bearer {token}"}
    other_headers = {"Authorization": f"Bearer {other}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=other_headers).status_code == 200
    with fresh.state() as elsewhere:  # its own engine: this server sees no commit event
        with elsewhere.session() as db:
            revoke_token(db, record.id, actor="test")  # audited: a new state version
        with elsewhere.engine.begin() as conn:  # not audited: only the cache's age counts
            conn.execute(text("UPDATE users SET active = false WHERE name = 'service-member'"))
    time.sleep(0.3)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    time.sleep(0.6)
    assert client.get("/api/v1/me", headers=other_headers).status_code == 401


def test_the_state_version_is_read_once_per_interval_and_at_once_after_a_write(
    served: tuple[FastAPI, TestClient],
) -> None:
    app, _ = served
    runtime: Runtime = app.state.runtime
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "max(audit_log.id)" in statement:
            reads.append(statement)

    event.listen(runtime.state.engine, "before_cursor_execute", count)
    try:
        first = runtime.state_version()
        for _ in range(50):
            assert runtime.state_version() == first
        assert len(reads) <= 1
        with runtime.state.session() as session:
            record_change(session, actor="test", action="test.touch", entity="test:x")
        assert runtime.state_version() > first  # this process wrote: read again at once
    finally:
        event.remove(runtime.state.engine, "before_cursor_execute", count)


def test_tokens_and_budget_decisions_keep_cached_results_but_a_signature_does_not(
    served: tuple[FastAPI, TestClient],
) -> None:
    app, _ = served
    runtime: Runtime = app.state.runtime
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert runtime.cached("probe", compute) == 1
    state, results = runtime.state_version(), runtime.results_version()
    with runtime.state.session() as db:
        _, record = create_token(db, "sales-lead", name="perf", actor="test")
    with runtime.state.session() as db:
        revoke_token(db, record.id, actor="test")
    with runtime.state.session() as session:  # pages read proposals at every request
        record_change(session, actor="test", action="budget_proposal.approve", entity="p:1")
    assert runtime.state_version() > state  # credentials are checked again...
    assert runtime.results_version() == results  # ...but no analysis is recomputed
    assert runtime.cached("probe", compute) == 1
    with runtime.state.session() as session:
        record_change(session, actor="test", action="definition.sign", entity="definition:x")
    assert runtime.results_version() > results
    assert runtime.cached("probe", compute) == 2


def test_responses_say_how_long_the_server_took(served: tuple[FastAPI, TestClient]) -> None:
    _, client = served
    timing = client.get("/healthz").headers["server-timing"]
    assert timing.startswith("app;dur=")
    assert float(timing.removeprefix("app;dur=")) >= 0


def test_the_warm_up_serves_the_previous_scorecard_until_the_signed_one_is_ready(
    fresh: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    gate.set()
    builds: list[int] = []

    def gated(*args: Any) -> Any:
        gate.wait(30)
        builds.append(1)
        return build_scorecard(*args)

    monkeypatch.setattr(scorecard_routes, "build_scorecard", gated)
    app = create_app(fresh, settings=settings(), warm_up=True)
    with TestClient(app, follow_redirects=False) as client:
        runtime: Runtime = app.state.runtime
        warmup: Warmup = app.state.warmup
        with runtime.state.session() as db:  # an audit entry: a new version to warm
            token, _ = create_token(db, "sales-lead", name="perf", actor="test")
        api = {"Authorization": f"Bearer {token}"}
        assert warmup.wait(30)
        assert "scorecard" in runtime.warm_keys
        # the tiny company has no spend: the budget model fails, the requests compute it
        assert "economics-fit" not in runtime.warm_keys
        assert "spend table is empty" in client.get("/economics", headers=api).text
        warmed = len(builds)
        answer = client.get("/api/v1/scorecard", headers=api)
        assert _mqls(answer.json()) == 2.0
        assert "x-accord-updating" not in answer.headers
        assert len(builds) == warmed  # computed by the warm-up, before anyone asked

        gate.clear()  # the recomputation after the signature will wait
        issues, _ = definitions_service.propose_text(
            runtime.definitions, "mqls", MQLS_V2, actor="marketing-lead"
        )
        assert not issues
        for lead in ("marketing-lead", "sales-lead"):
            definitions_service.sign(runtime.definitions, "mqls", version=2, actor=lead)
        stale = client.get("/api/v1/scorecard", headers=api)
        assert stale.status_code == 200
        assert stale.headers["x-accord-updating"] == "true"
        assert _mqls(stale.json()) == 2.0  # the previous figure, at once
        page = client.get("/", headers=api)
        assert "new ones are being computed" in page.text

        gate.set()
        assert warmup.wait(30)
        fresh_answer = client.get("/api/v1/scorecard", headers=api)
        assert "x-accord-updating" not in fresh_answer.headers
        assert _mqls(fresh_answer.json()) == 1.0  # v2 leaves the OFFLINE lead out
        [mqls] = [m for m in fresh_answer.json()["metrics"] if m["name"] == "mqls"]
        assert mqls["version"]["version"] == 2
        assert "new ones are being computed" not in client.get("/", headers=api).text


def test_a_busy_state_store_is_tried_again_when_checking_a_token(
    served: tuple[FastAPI, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = served
    runtime: Runtime = app.state.runtime
    with runtime.state.session() as db:
        token, _ = create_token(db, "sales-lead", name="perf", actor="test")
    calls: list[int] = []

    def busy_once(db: Any, secret: str) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise StoreError("The state store failed: database is locked.")
        return authenticate_token(db, secret)

    monkeypatch.setattr(deps_module, "authenticate_token", busy_once)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["user"]["name"] == "sales-lead"
    assert len(calls) == 2


def test_a_restarted_server_serves_the_last_figures_as_updating_until_recomputed(
    fresh: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each warm-up pass is kept on disk; after a restart the first requests get those
    results at once, marked updating, and the current ones once computed, even when the
    definitions changed while the server was down."""
    kept = fresh.root / SNAPSHOT_PATH
    app = create_app(fresh, settings=settings(), warm_up=True)
    with TestClient(app, follow_redirects=False) as client:
        warmup: Warmup = app.state.warmup
        runtime: Runtime = app.state.runtime
        with runtime.state.session() as db:
            token, _ = create_token(db, "sales-lead", name="perf", actor="test")
        api = {"Authorization": f"Bearer {token}"}
        assert warmup.wait(30)
        assert warmup.restored == 0  # nothing kept yet: a cold start
        assert _mqls(client.get("/api/v1/scorecard", headers=api).json()) == 2.0
    assert kept.exists()
    assert kept.stat().st_mode & 0o077 == 0  # the owner's alone
    assert snapshot.load(kept, workspace=str(fresh.root.resolve()))["scorecard"] is not None

    # While the server is down, the leads sign mqls v2 from the command line.
    with fresh.state() as state:
        store = SqlDefinitionStore(state)
        issues, _ = definitions_service.propose_text(store, "mqls", MQLS_V2, actor="marketing-lead")
        assert not issues
        for lead in ("marketing-lead", "sales-lead"):
            definitions_service.sign(store, "mqls", version=2, actor=lead)

    gate = threading.Event()

    def gated(*args: Any) -> Any:
        gate.wait(30)
        return build_scorecard(*args)

    monkeypatch.setattr(scorecard_routes, "build_scorecard", gated)
    again = create_app(fresh, settings=settings(), warm_up=True)
    with TestClient(again, follow_redirects=False) as client:
        warmup = again.state.warmup
        assert warmup.restored >= 1
        first = client.get("/api/v1/scorecard", headers=api)
        assert first.status_code == 200
        assert first.headers["x-accord-updating"] == "true"
        assert _mqls(first.json()) == 2.0  # the last figure, at once, marked updating
        gate.set()
        assert warmup.wait(30)
        current = client.get("/api/v1/scorecard", headers=api)
        assert "x-accord-updating" not in current.headers
        assert _mqls(current.json()) == 1.0  # v2, signed while the server was down


def test_a_damaged_or_foreign_snapshot_means_a_cold_start(tmp_path: Path) -> None:
    path = tmp_path / "results.pickle"
    path.write_bytes(b"not a pickle")
    assert snapshot.load(path, workspace="acme") == {}
    snapshot.save(path, {"k": 1, "lock": threading.Lock()}, workspace="acme")
    assert snapshot.load(path, workspace="acme") == {"k": 1}  # the lock was left out
    assert snapshot.load(path, workspace="elsewhere") == {}
    assert snapshot.load(tmp_path / "missing.pickle", workspace="acme") == {}
