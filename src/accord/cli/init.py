"""``accord init`` and ``accord upgrade``: create a workspace, keep its schemas current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from accord.cli._options import WorkspaceDir
from accord.cli._render import err, mask_url, out
from accord.data.state import DEFAULT_TEAMS
from accord.data.workspace import INIT_ACTOR, Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import DefinitionVersion
from accord.definitions.workflow import install_starter

__all__ = ["init", "upgrade"]


def init(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to create the workspace in.", file_okay=False, metavar="DIR"),
    ],
    warehouse_url: Annotated[
        str | None,
        typer.Option(help="Ibis URL of the warehouse (default: a DuckDB file in the folder)."),
    ] = None,
    state_url: Annotated[
        str | None,
        typer.Option(
            help="SQLAlchemy URL of the state store (default: a SQLite file in the folder; "
            "postgresql+psycopg://user@host/db for a shared server)."
        ),
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="IANA time zone for naive timestamps and SLA clocks.")
    ] = "UTC",
    name: Annotated[
        str | None, typer.Option(help="Display name (default: the folder name).")
    ] = None,
) -> None:
    """Create a workspace: accord.toml, the warehouse and the state store.

    The state store starts with the default teams and the starter definitions (funnel,
    SLA, metrics, glossary, goals, attribution model), proposed and owned by the teams
    named in each: they come into force as each owning team's lead signs them.
    """
    proposed: list[DefinitionVersion] = []
    ws = Workspace.init(
        directory,
        warehouse_url=warehouse_url,
        state_url=state_url,
        timezone=timezone,
        name=name,
        populate=lambda state: proposed.extend(
            install_starter(SqlDefinitionStore(state), actor=INIT_ACTOR)
        ),
    )
    s = ws.settings
    w = "" if ws.root == Path.cwd().resolve() else f" -w {directory}"
    lines = [
        f"Created the workspace {s.workspace.name!r} in {ws.root}",
        f"  warehouse  {mask_url(s.warehouse.url)}",
        f"  state      {mask_url(s.state.url)}",
        f"  timezone   {s.workspace.timezone}",
        f"  teams      {', '.join(DEFAULT_TEAMS)}",
        f"  proposed   {len(proposed)} starter definitions, awaiting their owners' signatures",
        "Next:",
        f"  accord users add NAME --team marketing --role lead{w}   (a lead signs for a team)",
        f"  accord definitions list{w}",
        f"  accord load FILE... --preset hubspot-contacts{w}   (accord presets lists them)",
    ]
    typer.echo("\n".join(lines))


def upgrade(workspace: WorkspaceDir = None) -> None:
    """Bring both stores' schemas up to this version of Accord (no-op when current)."""
    ws = Workspace.open(workspace)
    steps = ws.upgrade()
    if not steps:
        err().print(f"{escape(str(ws.root))}: already up to date.")
        return
    for step in steps:
        out().print(f"applied  {escape(step)}")
    err().print(f"{escape(str(ws.root))}: {len(steps)} step(s) applied.")
