"""Options shared by many commands, as ``Annotated`` aliases."""

from __future__ import annotations

import getpass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from accord.errors import InputError

__all__ = ["AsUser", "Format", "OutputFormat", "WorkspaceDir", "cli_actor"]


class OutputFormat(StrEnum):
    """How a command prints its result: a Rich table for people, JSON or CSV for tools."""

    table = "table"
    json = "json"
    csv = "csv"


WorkspaceDir = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="ACCORD_WORKSPACE",
        help="Workspace folder (default: the current folder).",
        show_default=False,
        file_okay=False,
    ),
]

Format = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]

AsUser = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Act as this Accord user (recorded in the audit log and load history).",
        show_default=False,
    ),
]


def cli_actor(as_user: str | None) -> str:
    """Who acts when no ``--as`` is given: the operating-system login, marked as such."""
    if as_user:
        return as_user
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        login = "unknown"
    return f"cli:{login}"


def parse_date(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date (``None`` stays ``None``).

    Raises
    ------
    InputError
        *value* is not an ISO date; the message names *option*.
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{option} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from exc
