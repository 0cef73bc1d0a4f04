"""The ``accord`` command: the root group and where each command is registered."""

from __future__ import annotations

from typing import Annotated

import typer

from accord import __version__
from accord.cli import (
    account,
    attribution,
    budget,
    clv,
    definitions,
    demo,
    economics,
    feedback,
    forecast,
    funnel,
    goals,
    identity,
    init,
    load,
    metric,
    quarantine,
    resolve,
    serve,
    simulate,
    sla,
    status,
    tokens,
    users,
)
from accord.cli._errors import AccordGroup, CliState

__all__ = ["app"]

app = typer.Typer(
    name="accord",
    cls=AccordGroup,
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


app.command("init")(init.init)
app.command("upgrade")(init.upgrade)
app.command("status")(status.status)
app.command("load")(load.load)
app.command("presets")(load.presets)
app.add_typer(quarantine.quarantine_app, name="quarantine")
app.add_typer(users.users_app, name="users")
app.add_typer(users.teams_app, name="teams")
app.command("simulate")(simulate.simulate)
app.command("demo")(demo.demo)
app.add_typer(identity.app, name="identity")
app.add_typer(attribution.app, name="attribution")
app.add_typer(clv.app, name="clv")
app.add_typer(budget.app, name="budget")
app.add_typer(definitions.app, name="definitions")
app.command("metric")(metric.metric)
app.command("goals")(goals.goals)
app.command("serve")(serve.serve)
app.add_typer(tokens.tokens_app, name="tokens")
users.users_app.command("set-password")(tokens.set_user_password)
app.command("resolve")(resolve.resolve)
app.command("account")(account.account)
app.command("funnel")(funnel.funnel)
app.add_typer(sla.app, name="sla")
app.add_typer(feedback.app, name="feedback")
app.add_typer(forecast.app, name="forecast")
app.command("economics")(economics.economics)
