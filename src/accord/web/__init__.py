"""The web app: sign-in by team, the shared scorecard, a page per capability, REST API.

::

    create_app(workspace, settings=...)    the FastAPI app (opens both stores)
    serve(workspace, host=..., port=...)   run it with uvicorn
    WebSettings                            session key, cookies, sign-in policy, uploads
    PERMISSIONS, Action                    who may do what: the one table
"""

from __future__ import annotations

from accord.web.app import create_app
from accord.web.permissions import PERMISSIONS, Action
from accord.web.server import serve
from accord.web.settings import WebSettings

__all__ = ["PERMISSIONS", "Action", "WebSettings", "create_app", "serve"]
