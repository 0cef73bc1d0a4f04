"""Commands are imported when used: start-up stays fast and every command stays reachable."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from accord.cli.app import COMMANDS, app


def test_version_imports_no_command_module_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from accord.cli.app import app\n"
        "result = CliRunner().invoke(app, ['--version'])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = [m for m in sys.modules if m.startswith('accord.cli.') "
        "and not m.startswith('accord.cli._') and m != 'accord.cli.app']\n"
        "heavy = [m for m in ('pandas', 'ibis', 'duckdb', 'sqlalchemy') if m in sys.modules]\n"
        "print(sorted(loaded), heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[] []"


def test_every_registered_command_builds_with_its_registered_name() -> None:
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    names = group.list_commands(ctx)  # type: ignore[attr-defined]
    assert names == list(COMMANDS)
    for name in names:
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        assert command is not None
        assert command.name == name
    users = group.get_command(ctx, "users")  # type: ignore[attr-defined]
    assert "set-password" in users.list_commands(ctx)
