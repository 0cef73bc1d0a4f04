"""``docs/cli.md`` is generated from the commands and must not go stale."""

from __future__ import annotations

from pathlib import Path

import typer.main
from typer.core import TyperGroup

from accord.cli.app import app
from accord.cli.docs import render_cli_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
# Commands that work on files, not on a workspace; every other command takes --workspace.
NOT_ON_A_WORKSPACE = {
    "init", "demo", "simulate", "presets",
    "identity dedupe", "identity link",
    "attribution paths",
    "clv fit-file", "clv retention", "clv simple",
    "budget fit", "budget optimize",
}  # fmt: skip


def test_cli_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_cli_docs(), (
        "docs/cli.md is stale: run `python -m accord.cli.docs > docs/cli.md` (make docs)"
    )


def _leaves(group: TyperGroup, prefix: str = "") -> dict[str, typer.core.TyperCommand]:
    found: dict[str, typer.core.TyperCommand] = {}
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, TyperGroup):
            found |= _leaves(command, f"{prefix}{name} ")
        else:
            assert isinstance(command, typer.core.TyperCommand)
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_is_documented_and_takes_a_workspace() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    commands = _leaves(root)
    assert {
        "init",
        "upgrade",
        "status",
        "load",
        "presets",
        "quarantine list",
        "demo",
        "quarantine export",
        "users add",
        "users list",
        "teams add",
        "teams list",
        "simulate",
    } <= set(commands)
    docs = render_cli_docs()
    for name, command in commands.items():
        assert command.help, f"`accord {name}` has no help text"
        assert f"`accord {name}`" in docs
        options = {o for p in command.params for o in p.opts}
        if name not in NOT_ON_A_WORKSPACE:
            assert {"--workspace", "-w"} <= options, f"`accord {name}` lacks --workspace"
