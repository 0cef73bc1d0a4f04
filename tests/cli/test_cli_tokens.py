"""``accord tokens`` and ``accord users set-password``: secrets shown once, stored hashed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner, Result

from accord.cli.app import app
from accord.cli.tokens import demo_passwords
from accord.data.state.passwords import check_password
from accord.data.state.tokens import authenticate_token
from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def _with_input(*args: str | Path, stdin: str) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin, env={"COLUMNS": "200"})


def test_set_password_from_stdin_is_stored_as_argon2(workspace: Path, invoke: Invoke) -> None:
    assert invoke("users", "add", "ana", "--team", "sales", "-w", workspace).exit_code == 0
    result = _with_input(
        "users", "set-password", "ana", "--password-stdin", "-w", workspace,
        stdin="a long enough password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    with Workspace.open(workspace).state() as store:
        with store.engine.connect() as conn:
            [stored] = conn.execute(text("SELECT password_hash FROM users")).one()
        with store.session() as session:
            assert check_password(session, "ana", "a long enough password") is not None
        assert store.audit(entity="user:ana")[0].action == "user.set_password"
    assert stored.startswith("$argon2id$")


def test_set_password_refuses_short_passwords_and_a_missing_terminal(
    workspace: Path, invoke: Invoke
) -> None:
    invoke("users", "add", "bo", "--team", "sales", "-w", workspace)
    short = _with_input(
        "users", "set-password", "bo", "--password-stdin", "-w", workspace, stdin="short\n"
    )
    assert short.exit_code == 2
    assert "too short" in short.output
    no_tty = invoke("users", "set-password", "bo", "-w", workspace)
    assert no_tty.exit_code == 2
    assert "--password-stdin" in no_tty.stderr
    unknown = _with_input(
        "users", "set-password", "nobody", "--password-stdin", "-w", workspace,
        stdin="a long enough password\n",
    )  # fmt: skip
    assert unknown.exit_code == 3


def test_tokens_are_shown_once_listed_without_secret_and_revoked(
    workspace: Path, invoke: Invoke
) -> None:
    invoke("users", "add", "cy", "--team", "finance", "-w", workspace)
    created = invoke("tokens", "create", "--as", "cy", "--name", "nightly", "--days", "30",
                     "-w", workspace)  # fmt: skip
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("acd_")
    assert "shown only now" in created.stderr
    with Workspace.open(workspace).state() as store, store.session() as session:
        user = authenticate_token(session, token)
    assert user is not None
    assert user.name == "cy"
    listed = invoke("tokens", "list", "-f", "json", "-w", workspace)
    assert token not in listed.stdout
    assert '"name": "nightly"' in listed.stdout
    assert invoke("tokens", "revoke", "1", "-w", workspace).exit_code == 0
    again = invoke("tokens", "revoke", "1", "-w", workspace)
    assert again.exit_code == 6
    with Workspace.open(workspace).state() as store, store.session() as session:
        assert authenticate_token(session, token) is None
    assert invoke("tokens", "create", "--as", "nobody", "-w", workspace).exit_code == 3


def test_demo_passwords_are_random_and_work(workspace: Path, invoke: Invoke) -> None:
    for name in ("dee", "eve"):
        invoke("users", "add", name, "--team", "service", "-w", workspace)
    with Workspace.open(workspace).state() as store:
        given = demo_passwords(store, ["dee", "eve"])
        assert given["dee"] != given["eve"]
        assert len(given["dee"]) == 19
        with store.session() as session:
            assert check_password(session, "eve", given["eve"]) is not None


def test_serve_needs_a_workspace(invoke: Invoke) -> None:
    result = invoke("serve", "--port", "1")
    assert result.exit_code == 3
    assert "No Accord workspace" in result.stderr
