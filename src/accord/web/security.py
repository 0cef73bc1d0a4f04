"""Sign-in machinery: session cookies, CSRF tokens, login throttling, bearer tokens.

- **Sessions** are signed cookies (itsdangerous, HMAC-SHA1 over the secret key, with the
  time they were issued): HTTP-only, ``SameSite=Lax``, ``Secure`` behind HTTPS, valid for
  ``session_hours``. A session names the user and carries a fingerprint of their
  password hash: changing the password, or deactivating the user, ends every session.
  A tampered or expired cookie is ignored (the person signs in again).
- **CSRF**: every session, signed in or not, has a random token; every unsafe request
  (POST, PUT, PATCH, DELETE) authenticated by the cookie must repeat it, in the
  ``X-CSRF-Token`` header (HTMX, scripts) or the ``csrf_token`` form field. Requests with
  an ``Authorization: Bearer`` token are not cookie-authenticated (a browser never adds
  that header on its own), so they need none.
- **Throttling**: after ``free_login_attempts`` failures for a user name from one
  address, each further attempt waits ``login_backoff_seconds``, doubled after every
  failure up to ``max_login_backoff_seconds``; a success clears it. Kept in memory: one
  server process (the DuckDB writer) serves a workspace.
- **Passwords** are Argon2id hashes (:mod:`accord.data.state.passwords`); **API tokens**
  are stored as SHA-256 digests (:mod:`accord.data.state.tokens`).

Examples
--------
>>> codec = SessionCodec("k" * 32, max_age=3600)
>>> raw = codec.dumps(Session.new(user="ana", fingerprint="f"))
>>> codec.loads(raw).user
'ana'
>>> codec.loads(raw[:-2] + "xx") is None
True
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import HTTPConnection
from starlette.responses import Response

from accord.web.errors import TooManyAttempts
from accord.web.settings import WebSettings

__all__ = [
    "COOKIE_NAME",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "UNSAFE_METHODS",
    "LoginThrottle",
    "Session",
    "SessionCodec",
    "bearer_token",
    "clear_session_cookie",
    "csrf_matches",
    "set_session_cookie",
]

COOKIE_NAME = "accord_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Session:
    """What the session cookie holds.

    Attributes
    ----------
    user
        The signed-in user, or ``None`` before sign-in.
    csrf
        The token unsafe requests must repeat.
    fingerprint
        :func:`~accord.data.state.passwords.password_fingerprint` at sign-in.
    """

    user: str | None
    csrf: str
    fingerprint: str = ""

    @classmethod
    def new(cls, *, user: str | None = None, fingerprint: str = "") -> Session:
        """A fresh session with a new CSRF token (made at sign-in and sign-out)."""
        return cls(user=user, csrf=secrets.token_urlsafe(32), fingerprint=fingerprint)


class SessionCodec:
    """Signs sessions into cookie values and checks them back.

    Parameters
    ----------
    secret_key
        The server's key; without it a cookie cannot be forged.
    max_age
        Seconds a cookie stays valid after it was issued.
    """

    def __init__(self, secret_key: str, *, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="accord.session.v1")
        self.max_age = max_age

    def dumps(self, session: Session) -> str:
        """The signed cookie value of *session*."""
        return self._serializer.dumps([session.user, session.csrf, session.fingerprint])

    def loads(self, value: str | None) -> Session | None:
        """The session in a cookie value; ``None`` if missing, tampered, malformed or
        expired."""
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.max_age)
        except (BadSignature, SignatureExpired):
            return None
        if (
            not isinstance(data, list)
            or len(data) != 3
            or not (data[0] is None or isinstance(data[0], str))
            or not all(isinstance(x, str) for x in data[1:])
        ):
            return None
        return Session(user=data[0], csrf=data[1], fingerprint=data[2])


def set_session_cookie(
    response: Response, codec: SessionCodec, session: Session, settings: WebSettings
) -> None:
    """Put *session* in *response* as an HTTP-only, same-site cookie."""
    response.set_cookie(
        COOKIE_NAME,
        codec.dumps(session),
        max_age=codec.max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response, settings: WebSettings) -> None:
    """Remove the session cookie (sign-out)."""
    response.delete_cookie(
        COOKIE_NAME, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


def csrf_matches(session: Session | None, given: str | None) -> bool:
    """Whether *given* is the CSRF token of *session* (constant-time comparison)."""
    if session is None or not given:
        return False
    return hmac.compare_digest(session.csrf.encode(), given.encode())


def bearer_token(connection: HTTPConnection) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if there is one."""
    header = connection.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@dataclass
class _Attempts:
    failures: int = 0
    last_failure: float = 0.0
    locked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Failed sign-ins per (user name, client address), with exponential backoff.

    Parameters
    ----------
    free_attempts
        Failures allowed before the first wait.
    backoff_seconds, max_backoff_seconds
        First wait, doubled per further failure, capped.
    forget_after_seconds
        A key without failures for this long starts over.
    clock
        Monotonic seconds (tests pass a fake clock).
    """

    free_attempts: int = 5
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 900.0
    forget_after_seconds: float = 24 * 3600.0
    max_keys: int = 100_000
    clock: Callable[[], float] = time.monotonic
    _attempts: dict[tuple[str, str], _Attempts] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: WebSettings) -> LoginThrottle:
        """A throttle with the policy of *settings*."""
        return cls(
            free_attempts=settings.free_login_attempts,
            backoff_seconds=settings.login_backoff_seconds,
            max_backoff_seconds=settings.max_login_backoff_seconds,
        )

    @staticmethod
    def _key(name: str, address: str) -> tuple[str, str]:
        return name.strip().casefold()[:200], address

    def check(self, name: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` if *name* from *address* must wait."""
        now = self.clock()
        with self._lock:
            entry = self._attempts.get(self._key(name, address))
            wait = 0.0 if entry is None else entry.locked_until - now
        if wait > 0:
            seconds = math.ceil(wait)
            raise TooManyAttempts(
                f"Too many failed sign-ins for {name!r} from this address.",
                retry_after=seconds,
                hint=f"Wait {seconds} s and try again, or ask an admin to reset the password.",
            )

    def failed(self, name: str, address: str) -> None:
        """Record a failed attempt (and the wait it now imposes)."""
        now = self.clock()
        key = self._key(name, address)
        with self._lock:
            entry = self._attempts.get(key)
            if entry is None or now - entry.last_failure > self.forget_after_seconds:
                entry = self._attempts[key] = _Attempts()
            entry.failures += 1
            entry.last_failure = now
            over = entry.failures - self.free_attempts
            if over >= 0:
                wait = min(self.backoff_seconds * 2.0**over, self.max_backoff_seconds)
                entry.locked_until = now + wait
            if len(self._attempts) > self.max_keys:
                self._forget_oldest()

    def succeeded(self, name: str, address: str) -> None:
        """Forget the failures of *name* from *address*."""
        with self._lock:
            self._attempts.pop(self._key(name, address), None)

    def _forget_oldest(self) -> None:
        by_age = sorted(self._attempts.items(), key=lambda kv: kv[1].last_failure)
        for key, _ in by_age[: len(by_age) // 10 or 1]:
            del self._attempts[key]
