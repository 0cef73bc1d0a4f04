"""The one place where errors become responses: JSON for the API, pages for people.

A request that is not signed in is sent to the sign-in page (HTMX requests get an
``HX-Redirect``); an API request gets the JSON error body. Anything unexpected is a 500
with code ``internal`` and no details (they go to the server log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.errors import AccordError
from accord.web.errors import (
    HTTP_CODES,
    ErrorBody,
    ErrorDetail,
    TooManyAttempts,
    status_and_code,
)
from accord.web.pages import render_error

__all__ = ["install_error_handlers", "is_api"]

log = logging.getLogger("accord.web")


def is_api(request: Request) -> bool:
    """Whether *request* is for the JSON API (else a page)."""
    return request.url.path.startswith("/api/")


def _json(status: int, code: str, message: str, hint: str | None, **headers: str) -> Response:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, hint=hint))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers or None)


def _respond(
    request: Request, status: int, code: str, message: str, hint: str | None, **headers: str
) -> Response:
    if is_api(request):
        return _json(status, code, message, hint, **headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = f"/login?next={_quote(target)}"
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": location})
        return RedirectResponse(location, status_code=303)
    return render_error(request, status=status, code=code, message=message, hint=hint, **headers)


def _quote(path: str) -> str:
    return quote(path, safe="/")


async def _accord_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccordError)
    status, code = status_and_code(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    return _respond(request, status, code, exc.message, exc.hint, **headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(_problem(e) for e in exc.errors())
    return _respond(
        request, 422, "invalid_input", f"Invalid request: {problems}", "See /api/v1/openapi.json."
    )


def _problem(error: Mapping[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where or 'request'}: {error.get('msg', 'invalid')}"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    headers = dict(exc.headers or {})
    return _respond(request, exc.status_code, code, message, None, **headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("%s %s: internal error", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        500,
        "internal",
        "Accord hit an internal error; nothing you did caused it.",
        "The server log has the details; please report it.",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every error of *app* through this module."""
    app.add_exception_handler(AccordError, _accord_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
