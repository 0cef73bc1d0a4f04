"""``accord account QUERY``: one account, its people and one timeline across all teams.

Thin: :mod:`accord.workflows.account360` finds the account and builds the timeline; this
module prints it (Rich sections, JSON with the Python API's keys, or CSV timeline rows).
"""

from __future__ import annotations

from typing import Annotated

import ibis
import typer
from rich.markup import escape

from accord.cli._options import Format, OutputFormat, WorkspaceDir, parse_date
from accord.cli._render import emit_json, emit_rows, err, out, rich_table
from accord.data.workspace import Workspace
from accord.errors import AccordError
from accord.identity.keys import with_account_id
from accord.workflows.account360 import KINDS, Account360, account_timeline

__all__ = ["account", "demo_section"]

COLUMNS = ("when", "team", "kind", "summary", "person", "source")
CSV_COLUMNS = ("ts", "team", "kind", "summary", "person", "source_system", "source_id")


def _print_sections(view: Account360) -> None:
    a = view.account
    console = out()
    console.print(
        f"[bold]{escape(', '.join(a.names) or a.account_id)}[/bold]  {escape(a.account_id)}"
    )
    facts = [
        ("domains", ", ".join(a.domains)),
        ("segment", a.segment or ""),
        ("owner", a.owner or ""),
        ("systems", ", ".join(a.systems)),
        ("MRR", "" if view.mrr is None else f"{view.mrr:,.2f}"),
        ("resolved", "yes" if a.resolved else "no (run `accord resolve` to link all systems)"),
    ]
    for label, value in facts:
        if value:
            console.print(f"  {label:<9}{escape(value)}")
    people = [
        {
            "person": p.person_id,
            "names": ", ".join(p.names),
            "emails": ", ".join(p.emails),
            "titles": ", ".join(p.titles),
            "systems": ", ".join(p.systems),
        }
        for p in view.people
    ]
    if people:
        console.print(rich_table(people, columns=list(people[0]), title=f"People ({len(people)})"))
    u = view.usage
    if u.events:
        top = ", ".join(f"{f} ({n:,})" for f, n in u.top_features)
        console.print(
            f"Product usage: {u.events:,} events by {u.active_users} users, "
            f"last seen {u.last_seen:%Y-%m-%d}; top features: {escape(top)}"
        )
    counts = ", ".join(f"{k} {n:,}" for k, n in view.counts.items() if n)
    rows = [
        {
            "when": f"{r.ts:%Y-%m-%d %H:%M}",
            "team": r.team,
            "kind": r.kind,
            "summary": r.summary,
            "person": r.person_name or r.person,
            "source": r.source_system,
        }
        for r in view.timeline
    ]
    shown = f"{len(rows):,} rows" + (" (latest only; see --limit)" if view.truncated else "")
    console.print(rich_table(rows, columns=COLUMNS, title=f"Timeline: {shown}; {counts}"))


def account(
    query: Annotated[
        str,
        typer.Argument(
            help="Web domain (acme.io), company name (fuzzy), resolved account id or a "
            "source system's account id."
        ),
    ],
    since: Annotated[
        str | None, typer.Option("--since", help="Only rows on or after this day, YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only rows before this day, YYYY-MM-DD.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="Show the latest N timeline rows."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help=f"Only these kinds (repeat): {', '.join(KINDS)}."),
    ] = None,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """One account across all teams: its people and one timeline of touches, stage
    changes, sales activities, deals, product usage, tickets, feedback and billing.

    When the query matches several accounts, the command lists them and stops: repeat
    it with one of the account ids shown.
    """
    ws = Workspace.open(workspace)
    view = account_timeline(
        ws,
        query,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        limit=limit,
        kinds=kind or None,
    )
    if fmt is OutputFormat.json:
        emit_json(view.to_json())
    elif fmt is OutputFormat.csv:
        emit_rows([r.to_json() for r in view.timeline], columns=CSV_COLUMNS, fmt=fmt)
    else:
        _print_sections(view)
        if not view.timeline:
            err().print("Nothing on the timeline for this account in that window.")


def demo_section(ws: Workspace, lines: int = 10) -> None:
    """Print a *lines*-row excerpt of the biggest customer's timeline (for ``accord demo``).

    The biggest customer is the account with the largest won opportunity amount (it
    works before and after ``accord resolve``); nothing is printed without won deals.
    """
    with ws.warehouse(read_only=True) as wh:
        if not {"opportunities", "accounts"} <= set(wh.tables()):
            return
        opps = wh.table("opportunities")
        opps = with_account_id(wh, opps.filter(opps.won.fill_null(False)), out="acct")
        won = opps.group_by("acct").aggregate(amount=opps.amount.sum())
        best = won.order_by([ibis.desc("amount"), "acct"]).limit(1).to_pandas()
        if best.empty:
            return
        try:
            view = account_timeline(wh, str(best["acct"].iloc[0]), limit=lines)
        except AccordError:
            return
    name = view.account.names[0] if view.account.names else view.account.account_id
    out().print(
        rich_table(
            [r.to_json() for r in view.timeline],
            columns=("ts", "team", "kind", "summary"),
            title=f"Biggest customer, {name}: the latest {len(view.timeline)} timeline rows "
            f"(`accord account {view.account.account_id}` shows all)",
        )
    )
