"""``accord users`` and ``accord teams``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def test_add_and_list_users_in_every_format(invoke: Invoke, workspace: Path) -> None:
    added = invoke(
        "users",
        "add",
        "maria",
        "--team",
        "marketing",
        "--role",
        "lead",
        "--email",
        "maria@example.com",
        "-w",
        workspace,
    )
    assert added.exit_code == 0, added.output
    assert "Added 'maria' to marketing as lead." in added.stderr
    assert invoke("users", "add", "bo", "-t", "sales", "-w", workspace).exit_code == 0

    listed = json.loads(invoke("users", "list", "--format", "json", "-w", workspace).stdout)
    assert [(u["name"], u["team"], u["role"], u["email"]) for u in listed] == [
        ("maria", "marketing", "lead", "maria@example.com"),
        ("bo", "sales", "member", None),
    ]
    rows = list(
        csv.DictReader(io.StringIO(invoke("users", "list", "-f", "csv", "-w", workspace).stdout))
    )
    assert [r["name"] for r in rows] == ["maria", "bo"]
    assert rows[1]["email"] == ""
    table = invoke("users", "list", "--team", "sales", "-w", workspace)
    assert "bo" in table.stdout
    assert "maria" not in table.stdout


def test_changes_are_audited_with_the_acting_user(invoke: Invoke, workspace: Path) -> None:
    invoke("users", "add", "ann", "--team", "finance", "--role", "admin", "-w", workspace)
    result = invoke("teams", "add", "partners", "--as", "ann", "-w", workspace)
    assert result.exit_code == 0, result.output
    with Workspace.open(workspace).state() as store:
        entries = store.audit(limit=2)
    assert (entries[0].action, entries[0].entity, entries[0].actor) == (
        "team.add",
        "team:partners",
        "ann",
    )
    assert entries[1].actor.startswith("cli:")


def test_acting_as_an_unknown_user_changes_nothing(invoke: Invoke, workspace: Path) -> None:
    result = invoke("teams", "add", "ops", "--as", "ghost", "-w", workspace)
    assert result.exit_code == 3
    assert "No user called 'ghost'" in result.stderr
    teams = json.loads(invoke("teams", "list", "-f", "json", "-w", workspace).stdout)
    assert "ops" not in [t["name"] for t in teams]


def test_user_errors_have_their_exit_codes(invoke: Invoke, workspace: Path) -> None:
    unknown_team = invoke("users", "add", "bo", "--team", "ops", "-w", workspace)
    assert unknown_team.exit_code == 3
    assert "teams add ops" in unknown_team.stderr
    bad_role = invoke("users", "add", "bo", "--team", "sales", "--role", "boss", "-w", workspace)
    assert bad_role.exit_code == 2
    assert "Unknown role 'boss'" in bad_role.stderr
    assert invoke("users", "add", "bo", "--team", "sales", "-w", workspace).exit_code == 0
    duplicate = invoke("users", "add", "bo", "--team", "sales", "-w", workspace)
    assert duplicate.exit_code == 6
    assert "already exists" in duplicate.stderr


def test_default_teams_are_listed_with_member_counts(invoke: Invoke, workspace: Path) -> None:
    invoke("users", "add", "bo", "--team", "sales", "-w", workspace)
    teams = json.loads(invoke("teams", "list", "-f", "json", "-w", workspace).stdout)
    assert {t["name"]: t["members"] for t in teams} == {
        "finance": 0,
        "marketing": 0,
        "product": 0,
        "sales": 1,
        "service": 0,
    }


def test_workspace_from_the_environment(
    invoke: Invoke, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_WORKSPACE", str(workspace))
    result = invoke("teams", "list", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "name,members,created_at"
