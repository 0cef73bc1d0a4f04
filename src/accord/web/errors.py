"""Errors of the web layer and their HTTP status and stable code.

Every error the API returns has the same shape (:class:`ErrorBody`)::

    {"error": {"code": "not_found", "message": "No definition called 'x'.", "hint": "..."}}

``code`` is stable (clients branch on it), ``message`` and ``hint`` are for people.
:data:`ERROR_STATUS` maps the error tree (:mod:`accord.errors`) to statuses and codes;
:mod:`accord.web.handlers` turns errors into responses.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from accord.errors import (
    AccordError,
    Conflict,
    InputError,
    NotFound,
    PermissionDenied,
    StoreError,
    WorkspaceNotFound,
)

__all__ = [
    "ERROR_STATUS",
    "HTTP_CODES",
    "CsrfFailed",
    "ErrorBody",
    "ErrorDetail",
    "NotAuthenticated",
    "TooManyAttempts",
    "status_and_code",
]


class NotAuthenticated(AccordError):
    """The request carries no valid session or API token (401)."""


class CsrfFailed(AccordError):
    """An unsafe request without the session's CSRF token (403)."""


class TooManyAttempts(AccordError):
    """Too many failed sign-ins for this name from this address (429).

    Parameters
    ----------
    retry_after
        Seconds until the next attempt is allowed.
    """

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


ERROR_STATUS: tuple[tuple[type[AccordError], int, str], ...] = (
    (NotAuthenticated, 401, "unauthenticated"),
    (CsrfFailed, 403, "csrf_failed"),
    (TooManyAttempts, 429, "too_many_attempts"),
    (WorkspaceNotFound, 503, "store_unavailable"),
    (InputError, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (PermissionDenied, 403, "permission_denied"),
    (Conflict, 409, "conflict"),
    (StoreError, 503, "store_unavailable"),
    (AccordError, 500, "error"),
)
"""HTTP status and code of each branch of the error tree, most specific first."""

HTTP_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_attempts",
}


class ErrorDetail(BaseModel):
    """What went wrong and how to fix it."""

    code: str
    message: str
    hint: str | None = None


class ErrorBody(BaseModel):
    """The body of every API error response."""

    error: ErrorDetail


def status_and_code(error: AccordError) -> tuple[int, str]:
    """The HTTP status and stable code of *error*."""
    for cls, status, code in ERROR_STATUS:
        if isinstance(error, cls):
            return status, code
    return 500, "error"  # pragma: no cover - AccordError is the last entry
