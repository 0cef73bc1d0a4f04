"""Errors become one readable message, a hint and a documented exit code; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from accord.cli._errors import exit_code
from accord.errors import (
    AccordError,
    ConfigError,
    Conflict,
    FileRejected,
    InputError,
    MappingError,
    MigrationError,
    NotFound,
    OptionalDependencyMissing,
    PermissionDenied,
    StoreError,
    WarehouseLocked,
    WorkspaceNotFound,
)

Invoke = Callable[..., Result]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("x"), 2),
        (FileRejected("x", path="f.csv"), 2),
        (MappingError("x"), 2),
        (NotFound("x"), 3),
        (WorkspaceNotFound("x"), 3),
        (StoreError("x"), 4),
        (WarehouseLocked("x"), 4),
        (MigrationError("x"), 4),
        (PermissionDenied("x"), 5),
        (Conflict("x"), 6),
        (ConfigError("x"), 1),
        (OptionalDependencyMissing("psycopg", extra="postgres"), 1),
        (AccordError("x"), 1),
    ],
)
def test_each_branch_of_the_error_tree_has_its_exit_code(error: AccordError, code: int) -> None:
    assert exit_code(error) == code


def test_no_workspace_exits_3_with_a_hint_and_no_traceback(invoke: Invoke) -> None:
    result = invoke("users", "list")
    assert result.exit_code == 3
    assert "Error: No Accord workspace at" in result.stderr
    assert "Hint: Create one with `accord init" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_debug_shows_the_traceback(invoke: Invoke) -> None:
    result = invoke("--debug", "users", "list")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr
    assert "WorkspaceNotFound" in result.stderr


def test_a_malformed_accord_toml_is_a_config_error(invoke: Invoke, workspace: Path) -> None:
    (workspace / "accord.toml").write_text("[workspace\n", encoding="utf-8")
    result = invoke("users", "list", "-w", workspace)
    assert result.exit_code == 1
    assert "is not valid TOML" in result.stderr


def test_usage_errors_exit_2(invoke: Invoke) -> None:
    result = invoke("users", "list", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_a_bug_exits_70_and_asks_for_a_report(
    invoke: Invoke, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("accord.data.state.StateStore.users", broken)
    result = invoke("users", "list", "-w", workspace)
    assert result.exit_code == 70
    assert "internal error (ZeroDivisionError: boom)" in result.stderr
    assert "accord --debug" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_exits_130_and_says_nothing_changed(
    invoke: Invoke, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("accord.data.state.StateStore.add_team", interrupted)
    result = invoke("teams", "add", "ops", "-w", workspace)
    assert result.exit_code == 130
    assert "interrupted; nothing was changed" in result.stderr


HOLD_WAREHOUSE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
"""


def test_a_locked_warehouse_names_the_process_holding_it(invoke: Invoke, workspace: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(workspace / "warehouse.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        result = invoke("status", "-w", workspace)
    finally:
        holder.communicate("")
    assert result.exit_code == 4
    assert f"PID {holder.pid}" in result.stderr
    assert "one writer at a time" in result.stderr
    assert "Hint:" in result.stderr
    assert "Traceback" not in result.output


def test_version(invoke: Invoke) -> None:
    from accord import __version__

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"accord {__version__}"
