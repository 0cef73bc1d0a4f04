"""``accord users`` and ``accord teams``: the people who use Accord, by team and role."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from accord.cli._options import AsUser, Format, OutputFormat, WorkspaceDir, cli_actor
from accord.cli._render import emit_rows, err
from accord.data.state import ROLES
from accord.data.workspace import Workspace

users_app = typer.Typer(help="Add and list the people who use Accord.", no_args_is_help=True)
teams_app = typer.Typer(help="Add and list teams.", no_args_is_help=True)

USER_COLUMNS = ("name", "team", "role", "email", "active", "created_at")


@users_app.command("add")
def users_add(
    name: Annotated[
        str, typer.Argument(help="User name (how the person signs and logs in).", metavar="NAME")
    ],
    team: Annotated[str, typer.Option("--team", "-t", help="The user's team.")],
    role: Annotated[
        str, typer.Option("--role", "-r", help=f"Role in the team: {', '.join(ROLES)}.")
    ] = "member",
    email: Annotated[str | None, typer.Option("--email", "-e", help="Email address.")] = None,
    as_user: AsUser = None,
    workspace: WorkspaceDir = None,
) -> None:
    """Add a user to a team (recorded in the audit log)."""
    with Workspace.open(workspace).state() as store:
        if as_user:
            store.actor(as_user)
        user = store.add_user(name, team=team, role=role, email=email, actor=cli_actor(as_user))
    err().print(f"Added {user.name!r} to {user.team} as {user.role}.")


@users_app.command("list")
def users_list(
    team: Annotated[str | None, typer.Option("--team", "-t", help="Only this team.")] = None,
    all_users: Annotated[
        bool, typer.Option("--all", help="Include deactivated users.", show_default=False)
    ] = False,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """List users by team and name."""
    with Workspace.open(workspace).state() as store:
        users = store.users(team=team, include_inactive=all_users)
    emit_rows(
        [asdict(u) for u in users],
        columns=USER_COLUMNS,
        fmt=fmt,
        title="Users",
        empty="No users yet; add one with `accord users add NAME --team TEAM`.",
    )


@teams_app.command("add")
def teams_add(
    name: Annotated[
        str, typer.Argument(help="Team name: lower-case, e.g. customer-success.", metavar="NAME")
    ],
    as_user: AsUser = None,
    workspace: WorkspaceDir = None,
) -> None:
    """Add a team (recorded in the audit log)."""
    with Workspace.open(workspace).state() as store:
        if as_user:
            store.actor(as_user)
        team = store.add_team(name, actor=cli_actor(as_user))
    err().print(f"Added the team {team.name!r}.")


@teams_app.command("list")
def teams_list(fmt: Format = OutputFormat.table, workspace: WorkspaceDir = None) -> None:
    """List teams with their number of active users."""
    with Workspace.open(workspace).state() as store:
        teams = store.teams()
    emit_rows(
        [asdict(t) for t in teams],
        columns=("name", "members", "created_at"),
        fmt=fmt,
        title="Teams",
    )
