"""The app factory: :func:`create_app` for a workspace, :func:`app_from_environment` for
``uvicorn --factory`` (``ACCORD_WORKSPACE`` names the workspace).

The app opens both stores when it is created (the DuckDB warehouse read-write: the
server is its one writer) and closes them when it shuts down; serve it, or use it inside
``with TestClient(app)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from accord import __version__
from accord.data.workspace import Workspace
from accord.web.deps import csrf_protect
from accord.web.handlers import install_error_handlers
from accord.web.middleware import BodyLimit, SecurityHeaders, Timing
from accord.web.routes import (
    accounts,
    admin,
    auth,
    credit,
    data,
    definitions,
    economics,
    funnel,
    scorecard,
)
from accord.web.runtime import Runtime
from accord.web.settings import WebSettings
from accord.web.snapshot import SNAPSHOT_PATH
from accord.web.warmup import Warmup

__all__ = ["API_PREFIX", "app_from_environment", "create_app"]

API_PREFIX = "/api/v1"
STATIC = Path(__file__).parent / "static"
ROUTERS = (auth, scorecard, funnel, credit, economics, accounts, definitions, data, admin)


def create_app(
    workspace: Workspace, *, settings: WebSettings | None = None, warm_up: bool = False
) -> FastAPI:
    """The web app serving *workspace*.

    Parameters
    ----------
    workspace
        The workspace; its stores are opened now.
    settings
        Session, cookie and upload settings (default: :meth:`WebSettings.from_environment`).
    warm_up
        Run the warm-up thread (:mod:`accord.web.warmup`) while the app is up: the
        capability pages are computed at start and after every change, and served from
        their previous result while they are recomputed; each pass is kept in the
        workspace (:data:`~accord.web.snapshot.SNAPSHOT_PATH`) and put back, as previous
        results, when the server starts again. The server does; tests mostly do not
        (every answer is then computed at the current version).

    Raises
    ------
    WarehouseLocked
        Another process holds the DuckDB warehouse (stop it: the server is the writer).
    MigrationError
        A store needs ``accord upgrade``.
    """
    settings = settings or WebSettings.from_environment(workspace.root)
    runtime = Runtime.open(workspace, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        keep = workspace.root / SNAPSHOT_PATH
        warmup = Warmup(runtime, snapshot_path=keep) if warm_up else None
        app.state.warmup = warmup
        try:
            if warmup is not None:
                warmup.start()
            yield
        finally:
            try:
                if warmup is not None:
                    warmup.stop()
            finally:
                runtime.close()

    app = FastAPI(
        title="Accord",
        version=__version__,
        summary="The shared scorecard, definitions and data of a workspace.",
        description="Authenticate with `Authorization: Bearer <token>` "
        "(`accord tokens create --as USER`). Errors have the shape "
        '`{"error": {"code", "message", "hint"}}`; lists take `offset`, `limit` and '
        "`format=csv`.",
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI loads its scripts from a CDN; nothing may come from there
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=(settings.max_upload_mb << 20) + (1 << 20))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Timing)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in ROUTERS:
        app.include_router(module.pages)
        app.include_router(module.api)
    return app


def app_from_environment() -> FastAPI:
    """The app for the workspace in ``ACCORD_WORKSPACE`` (else the current folder).

    For ``uvicorn --factory accord.web.app:app_from_environment`` and ``accord serve``;
    with the warm-up thread.
    """
    return create_app(Workspace.open(), warm_up=True)
