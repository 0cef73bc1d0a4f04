"""``accord tokens`` (API tokens) and ``accord users set-password``: how people and
scripts sign in to the web app and the REST API.

A token is printed once, on stdout, when it is created; the store keeps only its digest.
A password is read from a hidden prompt (asked twice) or from standard input with
``--password-stdin``; it is stored as an Argon2id hash and never printed or logged.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

import typer

from accord.cli._options import Format, OutputFormat, WorkspaceDir, cli_actor
from accord.cli._render import emit_rows, err
from accord.data.state import StateStore
from accord.data.state.models import utcnow
from accord.data.state.passwords import check_strength, set_password
from accord.data.state.tokens import create_token, list_tokens, revoke_token
from accord.data.workspace import Workspace
from accord.errors import InputError

__all__ = ["demo_passwords", "set_user_password", "tokens_app"]

tokens_app = typer.Typer(
    help="Create, list and revoke API tokens for the REST API.", no_args_is_help=True
)

TOKEN_COLUMNS = ("id", "user", "name", "prefix", "created_at", "expires_at", "last_used_at",
                 "revoked_at")  # fmt: skip

AsUserRequired = Annotated[
    str, typer.Option("--as", help="The user the token acts as.", show_default=False)
]


@tokens_app.command("create")
def tokens_create(
    as_user: AsUserRequired,
    name: Annotated[
        str, typer.Option("--name", "-n", help="What the token is for (a machine, a script).")
    ] = "cli",
    days: Annotated[
        int | None,
        typer.Option("--days", help="Expire after this many days (default: never).", min=1),
    ] = None,
    workspace: WorkspaceDir = None,
) -> None:
    """Create an API token for a user; print it once (keep it secret).

    Use it as `Authorization: Bearer TOKEN`. Only its digest is stored: a lost token
    cannot be shown again, only revoked and replaced.
    """
    expires = utcnow() + timedelta(days=days) if days else None
    with Workspace.open(workspace).state() as store, store.session() as session:
        secret, record = create_token(
            session, as_user, name=name, actor=cli_actor(None), expires_at=expires
        )
    typer.echo(secret)
    until = f", expires {record.expires_at:%Y-%m-%d}" if record.expires_at else ""
    err().print(
        f"Token {record.id} ({record.name}) for {record.user}{until}. It is shown only now; "
        "send it as `Authorization: Bearer TOKEN`.",
        markup=False,
    )


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", "-u", help="Only this user's.")] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List tokens (never the tokens themselves): whose, what for, last used, revoked."""
    with Workspace.open(workspace).state() as store, store.session() as session:
        records = list_tokens(session, user=user)
    emit_rows(
        [asdict(r) for r in records],
        columns=TOKEN_COLUMNS,
        fmt=fmt,
        title="API tokens",
        empty="No API tokens; `accord tokens create --as USER` makes one.",
    )


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (`accord tokens list`).")],
    workspace: WorkspaceDir = None,
) -> None:
    """Revoke a token: it stops working at once."""
    with Workspace.open(workspace).state() as store, store.session() as session:
        record = revoke_token(session, token_id, actor=cli_actor(None))
    err().print(f"Revoked token {record.id} ({record.name}) of {record.user}.", markup=False)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        given = sys.stdin.readline().rstrip("\r\n")
        if not given:
            raise InputError("No password on standard input.", hint="echo 'PASSWORD' | ...")
        return given
    if not sys.stdin.isatty():
        raise InputError(
            "No terminal to ask for the password.",
            hint="Pass it on standard input with --password-stdin.",
        )
    password: str = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    return password


def set_user_password(
    name: Annotated[str, typer.Argument(help="The user.", metavar="NAME")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
    workspace: WorkspaceDir = None,
) -> None:
    """Set a user's web sign-in password (asked twice, hidden; at least 10 characters).

    Their other sessions end: a session is bound to the password it started with.
    """
    ws = Workspace.open(workspace)
    password = _read_password(password_stdin)
    check_strength(password)
    with ws.state() as store, store.session() as session:
        user = set_password(session, name, password, actor=cli_actor(None))
    err().print(f"Set the password of {user.name} ({user.team} {user.role}).", markup=False)


def demo_passwords(store: StateStore, names: Sequence[str]) -> dict[str, str]:
    """Give each of *names* a fresh random password; return them (for ``accord demo`` to
    print). Each is 4 groups of 4 letters and digits, e.g. ``k3xm-9qpa-...``."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    passwords = {}
    for name in names:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
        with store.session() as session:
            set_password(session, name, password, actor="system:demo")
        passwords[name] = password
    return passwords
