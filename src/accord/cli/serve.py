"""``accord serve``: the web app for a workspace (FastAPI under uvicorn).

The server opens the DuckDB warehouse read-write for as long as it runs: it is the one
writer, and uploads through the web app run inside it. A CLI load meanwhile is refused
with a message that names the server.

The app is built by ``accord.web.app:app_from_environment`` (the same factory a
production deployment gives ``uvicorn --factory``), for the workspace in
``ACCORD_WORKSPACE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from accord.cli._options import WorkspaceDir
from accord.cli._render import err
from accord.settings import find_workspace_root

__all__ = ["APP_FACTORY", "serve", "serve_workspace"]

APP_FACTORY = "accord.web.app:app_from_environment"


def serve_workspace(
    root: Path, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info"
) -> None:
    """Serve the workspace in *root* until interrupted (``make demo`` ends with this).

    Raises
    ------
    WarehouseLocked
        Another process holds the warehouse (e.g. a running ``accord load``).
    MigrationError
        A store needs ``accord upgrade``.
    """
    os.environ["ACCORD_WORKSPACE"] = str(root)
    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
    )
    config.load()  # opens the stores now: a locked warehouse is reported before serving
    err().print(f"Accord serves {root} at http://{host}:{port}/ (Ctrl-C stops it).")
    uvicorn.Server(config).run()


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (keep 127.0.0.1 behind a reverse proxy).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workspace: WorkspaceDir = None,
) -> None:
    """Serve the web app: scorecard, definitions, data and the REST API.

    The server is the warehouse's one writer while it runs: upload files through it (Data
    page or POST /api/v1/uploads); `accord load` waits until it stops. Settings come from
    ACCORD_SECRET_KEY, ACCORD_SECURE_COOKIES, ACCORD_SESSION_HOURS, ACCORD_MAX_UPLOAD_MB.
    """
    serve_workspace(find_workspace_root(workspace), host=host, port=port)
