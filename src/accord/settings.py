"""Workspace settings: ``accord.toml``.

A workspace is a folder with ``accord.toml`` and, by default, both database files::

    [workspace]
    name = "acme"
    timezone = "Europe/Berlin"   # SLA clocks and naive timestamps are read in this zone
    currency = "USD"             # reporting currency

    [warehouse]
    url = "duckdb:///warehouse.duckdb"   # any Ibis backend URL; relative paths are in the workspace

    [state]
    url = "sqlite:///state.sqlite"       # or postgresql+psycopg://user@host/db

Environment variables ``ACCORD_WAREHOUSE_URL`` and ``ACCORD_STATE_URL`` override the file
(useful for a server whose secrets are not in a file). Engines never import this module.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from accord.errors import ConfigError, WorkspaceNotFound

__all__ = [
    "CONFIG_FILE",
    "Settings",
    "StateSettings",
    "WarehouseSettings",
    "WorkspaceInfo",
    "find_workspace_root",
    "load_settings",
    "write_settings",
]

CONFIG_FILE = "accord.toml"
DEFAULT_WAREHOUSE_URL = "duckdb:///warehouse.duckdb"
DEFAULT_STATE_URL = "sqlite:///state.sqlite"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkspaceInfo(_Frozen):
    """The ``[workspace]`` table."""

    name: str = "accord"
    timezone: str = "UTC"
    currency: str = "USD"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as 'Europe/Berlin' or 'UTC')"
            ) from exc
        return value


class WarehouseSettings(_Frozen):
    """The ``[warehouse]`` table: an Ibis backend URL."""

    url: str = DEFAULT_WAREHOUSE_URL


class StateSettings(_Frozen):
    """The ``[state]`` table: a SQLAlchemy URL."""

    url: str = DEFAULT_STATE_URL


class Settings(_Frozen):
    """All of ``accord.toml``, plus the folder it was read from."""

    root: Path
    workspace: WorkspaceInfo = Field(default_factory=WorkspaceInfo)
    warehouse: WarehouseSettings = Field(default_factory=WarehouseSettings)
    state: StateSettings = Field(default_factory=StateSettings)

    def resolved_warehouse_url(self) -> str:
        """The warehouse URL with a relative file path made absolute in the workspace."""
        return _absolutise(os.environ.get("ACCORD_WAREHOUSE_URL", self.warehouse.url), self.root)

    def resolved_state_url(self) -> str:
        """The state URL with a relative SQLite path made absolute in the workspace."""
        return _absolutise(os.environ.get("ACCORD_STATE_URL", self.state.url), self.root)


def _absolutise(url: str, root: Path) -> str:
    for scheme in ("duckdb://", "sqlite://"):
        if url.startswith(scheme):
            rest = url[len(scheme) :]
            if rest in ("", "/", "/:memory:", ":memory:"):
                return url
            # sqlite:////abs/path and duckdb:////abs/path are absolute; one slash is relative
            path = rest[1:] if rest.startswith("/") else rest
            if not path.startswith("/"):
                path = str((root / path).resolve())
            return f"{scheme}/{path}"
    return url


def find_workspace_root(start: Path | None = None) -> Path:
    """Return the workspace folder: *start*, else ``ACCORD_WORKSPACE``, else the cwd.

    Raises
    ------
    WorkspaceNotFound
        When the folder has no ``accord.toml``.
    """
    if start is None:
        env = os.environ.get("ACCORD_WORKSPACE")
        start = Path(env) if env else Path.cwd()
    root = start.expanduser().resolve()
    if not (root / CONFIG_FILE).is_file():
        raise WorkspaceNotFound(
            f"No Accord workspace at {root} (no {CONFIG_FILE}).",
            hint=f"Create one with `accord init {start}`, or pass --workspace DIR "
            "(or set ACCORD_WORKSPACE).",
        )
    return root


def load_settings(root: Path) -> Settings:
    """Read and validate ``root/accord.toml``.

    Raises
    ------
    ConfigError
        With the offending key and the fix when the file is malformed.
    """
    path = root / CONFIG_FILE
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise WorkspaceNotFound(
            f"No {CONFIG_FILE} in {root}.", hint=f"Run `accord init {root}`."
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}",
            hint="Fix the syntax, or move the file away and run `accord init`.",
        ) from exc
    try:
        return Settings(root=root, **raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(
            f"{path} has invalid settings: {problems}",
            hint="See docs/architecture.md for the keys of accord.toml.",
        ) from exc


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def write_settings(settings: Settings) -> Path:
    """Write *settings* to ``root/accord.toml`` (the inverse of :func:`load_settings`)."""
    lines = ["# Accord workspace settings. See docs/architecture.md.", ""]
    for section in ("workspace", "warehouse", "state"):
        lines.append(f"[{section}]")
        model: BaseModel = getattr(settings, section)
        for key, value in model.model_dump().items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    path = settings.root / CONFIG_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
