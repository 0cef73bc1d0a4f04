"""Settings of the web app: the session secret, cookie and sign-in policy, upload limits.

They come from the environment (a server's secrets are not kept in ``accord.toml``)::

    ACCORD_SECRET_KEY        signs session cookies (default: a random key kept in
                             ``<workspace>/.accord-secret-key``, readable by the owner only)
    ACCORD_SECURE_COOKIES    1 behind HTTPS: cookies are sent over HTTPS only
    ACCORD_SESSION_HOURS     how long a sign-in lasts (default 8)
    ACCORD_MAX_UPLOAD_MB     largest file the Data page accepts (default 200)

Examples
--------
>>> s = WebSettings(secret_key="x" * 32)
>>> s.session_seconds, s.secure_cookies
(28800, False)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from accord.errors import ConfigError

__all__ = ["SECRET_FILE", "WebSettings"]

SECRET_FILE = ".accord-secret-key"
"""Where the session key is kept when ``ACCORD_SECRET_KEY`` is not set."""


class WebSettings(BaseModel):
    """How the web app signs people in and what it accepts.

    Parameters
    ----------
    secret_key
        Signs session cookies; at least 32 characters. Changing it signs everyone out.
    session_hours
        A sign-in lasts this long (absolute, not renewed by activity).
    secure_cookies
        Send cookies over HTTPS only (set it behind an HTTPS reverse proxy).
    free_login_attempts
        Failed sign-ins allowed per user name and address before waiting is required.
    login_backoff_seconds, max_login_backoff_seconds
        The first wait, doubled after each further failure, up to the maximum.
    max_upload_mb
        Largest upload accepted.
    page_size
        Rows per page of a list (the API's default ``limit``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    secret_key: SecretStr = Field(min_length=32)
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    secure_cookies: bool = False
    free_login_attempts: int = Field(default=5, ge=1)
    login_backoff_seconds: float = Field(default=2.0, gt=0)
    max_login_backoff_seconds: float = Field(default=900.0, gt=0)
    max_upload_mb: int = Field(default=200, ge=1)
    page_size: int = Field(default=50, ge=1, le=1000)

    @property
    def session_seconds(self) -> int:
        """How long a session cookie is valid, in seconds."""
        return int(self.session_hours * 3600)

    @classmethod
    def from_environment(
        cls, root: Path, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> WebSettings:
        """Settings from ``ACCORD_*`` variables; the secret from the workspace if unset.

        Raises
        ------
        ConfigError
            A variable has an invalid value (the message names it).
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "secret_key": env.get("ACCORD_SECRET_KEY") or _workspace_secret(root)
        }
        names = {
            "ACCORD_SECURE_COOKIES": "secure_cookies",
            "ACCORD_SESSION_HOURS": "session_hours",
            "ACCORD_MAX_UPLOAD_MB": "max_upload_mb",
        }
        values |= {field: env[var] for var, field in names.items() if env.get(var)}
        values |= overrides
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            fields = {v: k for k, v in names.items()} | {"secret_key": "ACCORD_SECRET_KEY"}
            problems = "; ".join(
                f"{fields.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"Invalid web settings: {problems}", hint="See docs/web.md.") from exc


def _workspace_secret(root: Path) -> str:
    """The workspace's session key, made on first use (mode 0600)."""
    path = root / SECRET_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the session key {path}: {exc.strerror}.",
            hint="Set ACCORD_SECRET_KEY (48 random characters) instead.",
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key
