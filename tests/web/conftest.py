"""Fixtures of the web tests: the tiny company (``web_helpers``), the app, clients.

``client`` is anonymous and runs the app's lifespan; ``as_user`` gives a client per user
with a session cookie minted directly (the route-by-role tests would otherwise spend
minutes in Argon2; the sign-in form itself is tested in ``test_web_security``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_helpers import (
    CHROMIUM,
    COOKIE_DOMAIN,
    LAUNCH_ARGS,
    ClientFor,
    TestClient,
    build_company,
    mint_session,
    same_password_for_everyone,
    settings,
)

from accord.data.workspace import Workspace
from accord.web import create_app
from accord.web.security import COOKIE_NAME


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny company, built once per test session (copy it before changing it)."""
    root = tmp_path_factory.mktemp("web") / "acme"
    build_company(root)
    return root


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ``accord demo`` (60 accounts), built once per test session, every user
    with :data:`~web_helpers.PASSWORD` (copy it before changing it)."""
    from typer.testing import CliRunner

    from accord.cli.app import app as cli

    root = tmp_path_factory.mktemp("demo") / "accord-demo"
    result = CliRunner().invoke(
        cli,
        ["demo", "--dir", str(root), "--accounts", "60", "--no-serve"],
        env={"COLUMNS": "200", "ACCORD_WORKSPACE": None},
    )
    assert result.exit_code == 0, result.output
    with Workspace.open(root).state() as state:
        same_password_for_everyone(state)
    return root


@pytest.fixture(scope="module")
def workspace(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A private copy of the tiny company for one test module."""
    copy = tmp_path_factory.mktemp("ws") / "acme"
    shutil.copytree(template_workspace, copy)
    return Workspace.open(copy)


@pytest.fixture(scope="module")
def app(workspace: Workspace) -> FastAPI:
    """The app over the module's workspace (stores opened; closed by ``client``)."""
    return create_app(workspace, settings=settings())


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    """An anonymous client; runs the app's lifespan (closing the stores at the end)."""
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="module")
def as_user(app: FastAPI, client: TestClient) -> ClientFor:
    """A client signed in as a user (cookie minted; one client per user, reused)."""
    made: dict[str, TestClient] = {}

    def make(name: str) -> TestClient:
        if name not in made:
            c = TestClient(app, follow_redirects=False)
            c.cookies.set(COOKIE_NAME, mint_session(app, name), domain=COOKIE_DOMAIN)
            made[name] = c
        return made[name]

    return make


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, shared by every browser test module of the session."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is required in CI")
        pytest.skip(f"no {CHROMIUM}")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
