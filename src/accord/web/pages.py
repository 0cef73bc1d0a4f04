"""Server-rendered pages: the Jinja2 environment, the navigation, and the render helpers.

Templates live in ``web/templates`` (autoescaped). Every page gets ``user`` (or
``None``), ``csrf`` (the session's token, which forms and HTMX requests repeat), ``nav``
(the pages the user may open), ``may(action)`` and ``updating`` (figures from before the
last change, being recomputed: :mod:`accord.web.warmup`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from accord import __version__
from accord.data.state import UserRecord
from accord.web.cache import REQUEST_NOTE
from accord.web.capability import cell
from accord.web.permissions import Action, allows
from accord.web.security import COOKIE_NAME

__all__ = ["NAV", "NavItem", "format_value", "render", "render_error", "templates"]

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class NavItem:
    """A page in the navigation, shown to those who may do *action*."""

    label: str
    path: str
    action: Action


NAV: tuple[NavItem, ...] = (
    NavItem("Scorecard", "/", Action.VIEW_SCORECARD),
    NavItem("Funnel & SLA", "/funnel", Action.VIEW_FUNNEL),
    NavItem("Credit", "/credit", Action.VIEW_CREDIT),
    NavItem("Economics", "/economics", Action.VIEW_ECONOMICS),
    NavItem("Accounts", "/accounts", Action.VIEW_ACCOUNTS),
    NavItem("Definitions", "/definitions", Action.VIEW_DEFINITIONS),
    NavItem("Data", "/data", Action.VIEW_DATA),
    NavItem("Users", "/admin/users", Action.MANAGE_USERS),
    NavItem("Audit log", "/admin/audit", Action.VIEW_AUDIT),
)


def format_value(
    value: float | None, spec: str | None = None, unit: str = "", currency: str = "USD"
) -> str:
    """A metric value as people read it: its format spec, a currency or unit suffix.

    >>> format_value(1234.5, ",.0f", "currency"), format_value(0.256, ".1%"), format_value(None)
    ('1,234 USD', '25.6%', '-')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = format(value, spec) if spec else f"{value:,.4g}"
    suffix = {"currency": f" {currency}", "days": " d", "hours": " h", "months": " mo"}
    return text + suffix.get(unit, "")


def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _basename(value: str | None) -> str:
    return Path(str(value)).name if value else ""


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters["when"] = _when
templates.env.filters["basename"] = _basename
templates.env.filters["metric"] = format_value
templates.env.filters["cell"] = cell
templates.env.globals["accord_version"] = __version__


def _csrf(request: Request) -> str:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return ""
    session = runtime.sessions.loads(request.cookies.get(COOKIE_NAME))
    token: str = getattr(request.state, "csrf", None) or (session.csrf if session else "")
    return token


def _updating() -> bool:
    """Whether this request was answered with a previous result being recomputed."""
    note = REQUEST_NOTE.get()
    return note is not None and note.stale


def render(
    request: Request,
    template: str,
    *,
    user: UserRecord | None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render *template* for *user* with the common context."""

    def may(action: Action | str, owners: Sequence[str] | None = None) -> bool:
        return user is not None and allows(user, Action(action), owners=owners)

    runtime = getattr(request.app.state, "runtime", None)
    base = {
        "user": user,
        "csrf": _csrf(request),
        "nav": [n for n in NAV if may(n.action)],
        "path": request.url.path,
        "may": may,
        "workspace_name": runtime.workspace.settings.workspace.name if runtime else "Accord",
        "currency": runtime.workspace.settings.workspace.currency if runtime else "USD",
        "updating": _updating(),
    }
    response = templates.TemplateResponse(
        request, template, base | context, status_code=status, headers=dict(headers or {})
    )
    return response


def render_error(
    request: Request, *, status: int, code: str, message: str, hint: str | None, **headers: str
) -> HTMLResponse:
    """The error page (same content as the API's error body)."""
    user = getattr(request.state, "user", None)
    return render(
        request,
        "error.html",
        user=user,
        status=status,
        headers=headers,
        code=code,
        message=message,
        hint=hint,
        status_code=status,
    )
