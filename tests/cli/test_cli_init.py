"""``accord init`` and ``accord upgrade``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import Result

from accord.data.state import StateStore
from accord.data.state import migrate as state_migrate
from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def test_init_creates_a_workspace_the_other_commands_use(invoke: Invoke, tmp_path: Path) -> None:
    root = tmp_path / "acme"
    result = invoke("init", root, "--timezone", "America/New_York", "--name", "Acme")
    assert result.exit_code == 0, result.output
    assert f"Created the workspace 'Acme' in {root}" in result.stdout
    assert "marketing, sales, product, service, finance" in result.stdout
    assert (root / "accord.toml").is_file()
    teams = json.loads(invoke("teams", "list", "-f", "json", "-w", root).stdout)
    assert len(teams) == 5


def test_init_proposes_the_starter_pack(invoke: Invoke, tmp_path: Path) -> None:
    from accord.definitions import starter_catalog

    root = tmp_path / "acme"
    result = invoke("init", root)
    assert result.exit_code == 0, result.output
    count = len(starter_catalog())
    assert f"proposed   {count} starter definitions, awaiting" in result.stdout
    rows = json.loads(invoke("definitions", "list", "-f", "json", "-w", root).stdout)
    assert len(rows) == count
    assert {(r["in_force"], r["proposed"]) for r in rows} == {(None, 1)}
    with Workspace.open(root).state() as store:
        actors = {(a.action, a.actor) for a in store.audit(limit=1000)}
    assert ("definition.propose", "system:init") in actors


def test_a_failure_while_populating_leaves_no_workspace(tmp_path: Path) -> None:
    def fail(_: StateStore) -> None:
        raise RuntimeError("disk full")

    root = tmp_path / "acme"
    with pytest.raises(RuntimeError, match="disk full"):
        Workspace.init(root, populate=fail)
    assert not root.exists()


def test_init_twice_is_a_conflict(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("init", tmp_path / "ws").exit_code == 0
    again = invoke("init", tmp_path / "ws")
    assert again.exit_code == 6
    assert "already an Accord workspace" in again.stderr


def test_init_with_a_bad_time_zone_is_an_input_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", tmp_path / "ws", "--timezone", "CEST")
    assert result.exit_code == 2
    assert "unknown time zone 'CEST'" in result.stderr
    assert not (tmp_path / "ws").exists()


def test_upgrade_on_a_current_workspace_is_a_no_op(invoke: Invoke, workspace: Path) -> None:
    result = invoke("upgrade", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.stderr
    assert result.stdout == ""


def test_an_older_workspace_is_upgraded_without_losing_users(
    invoke: Invoke, workspace: Path
) -> None:
    invoke("users", "add", "bo", "--team", "sales", "--role", "lead", "-w", workspace)
    url = Workspace.open(workspace).settings.resolved_state_url()
    with StateStore.connect(url) as store:  # as the first release of Accord left it
        store.downgrade(state_migrate.known_revisions()[0])
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1

    refused = invoke("users", "list", "-w", workspace)
    assert refused.exit_code == 4
    assert "Run `accord upgrade`" in refused.stderr

    upgraded = invoke("upgrade", "-w", workspace)
    assert upgraded.exit_code == 0, upgraded.output
    assert "applied  state 0002_audit_log" in upgraded.stdout
    users = json.loads(invoke("users", "list", "-f", "json", "-w", workspace).stdout)
    assert [(u["name"], u["role"]) for u in users] == [("bo", "lead")]
