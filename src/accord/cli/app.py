"""The ``accord`` command: the root group and where each command is registered."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer
import typer.main
from typer._click import core as click  # typer vendors click; no public alias

from accord import __version__
from accord.cli._errors import AccordGroup, CliState

__all__ = ["COMMANDS", "app"]

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "init"),
    "upgrade": ("init", "upgrade"),
    "status": ("status", "status"),
    "load": ("load", "load"),
    "presets": ("load", "presets"),
    "quarantine": ("quarantine", "quarantine_app"),
    "users": ("users", "users_app"),
    "teams": ("users", "teams_app"),
    "tokens": ("tokens", "tokens_app"),
    "simulate": ("simulate", "simulate"),
    "demo": ("demo", "demo"),
    "resolve": ("resolve", "resolve"),
    "identity": ("identity", "app"),
    "account": ("account", "account"),
    "definitions": ("definitions", "app"),
    "metric": ("metric", "metric"),
    "goals": ("goals", "goals"),
    "funnel": ("funnel", "funnel"),
    "sla": ("sla", "app"),
    "feedback": ("feedback", "app"),
    "forecast": ("forecast", "app"),
    "attribution": ("attribution", "app"),
    "economics": ("economics", "economics"),
    "clv": ("clv", "app"),
    "budget": ("budget", "app"),
    "serve": ("serve", "serve"),
}
"""Every command: its name -> (module in ``accord.cli``, function or Typer sub-app).

Modules are imported when their command runs (or when help lists it), not at start-up:
``accord --version`` and each command pay only for what they use.
"""


def _build(name: str) -> click.Command:
    """Import the module behind *name* and turn its function or sub-app into a command."""
    module_name, attribute = COMMANDS[name]
    module = importlib.import_module(f"accord.cli.{module_name}")
    target = getattr(module, attribute)
    if name == "users":
        tokens = importlib.import_module("accord.cli.tokens")
        if not any(c.name == "set-password" for c in target.registered_commands):
            target.command("set-password")(tokens.set_user_password)
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


class LazyAccordGroup(AccordGroup):
    """The root group: commands from :data:`COMMANDS`, each built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Command names in registration order (as ``accord --help`` shows them)."""
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command *cmd_name*, imported and built the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = _build(cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="accord",
    cls=LazyAccordGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the traceback of an error (or set ACCORD_DEBUG=1)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Accord: one revenue picture for marketing, sales, product, service and finance.

    Exit codes: 0 ok, 1 other Accord error, 2 bad input or usage, 3 not found (or no
    workspace), 4 store unavailable (locked, needs upgrade), 5 permission denied,
    6 conflict, 70 internal error (a bug), 130 interrupted.
    """
    state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    state.debug = state.debug or debug
    ctx.obj = state
