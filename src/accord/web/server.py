"""Serve a workspace with uvicorn from Python (``accord serve`` does the same)."""

from __future__ import annotations

import uvicorn

from accord.data.workspace import Workspace
from accord.web.app import create_app
from accord.web.settings import WebSettings

__all__ = ["serve"]


def serve(
    workspace: Workspace,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: WebSettings | None = None,
    log_level: str = "info",
) -> None:
    """Serve *workspace* until interrupted (one process: it is the warehouse's writer).

    Behind a reverse proxy, keep *host* on 127.0.0.1 and let the proxy terminate HTTPS
    (``docs/web.md``).
    """
    app = create_app(workspace, settings=settings, warm_up=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
    )
