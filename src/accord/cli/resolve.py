"""``accord resolve``: link every contact-like record to a person and every company-like
record to an account, and write the crosswalks (``identity_people``,
``identity_accounts``) that every analysis joins.

The work is :func:`accord.workflows.resolve.resolve_workspace`; this module only shows
progress and prints the summary.
"""

from __future__ import annotations

from typing import Annotated

import typer

from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_json, emit_rows, err
from accord.data.workspace import Workspace
from accord.identity.resolve import DEFAULT_THRESHOLD
from accord.workflows.resolve import ResolutionSummary, resolve_workspace

__all__ = ["print_summary", "resolve"]


def print_summary(summary: ResolutionSummary, fmt: OutputFormat = OutputFormat.table) -> None:
    """Print what a run did: records into entities, rules, ids kept, pairs to review."""
    if fmt is OutputFormat.json:
        emit_json(summary.as_dict())
        return
    rows = [
        {
            "entity": "people",
            "records": summary.person_records,
            "resolved": summary.people,
            "merged": summary.person_records - summary.people,
            "ids kept": summary.people_kept,
            "new ids": summary.people_new,
            "decided by": ", ".join(f"{k} {v}" for k, v in summary.people_by_rule.items()),
        },
        {
            "entity": "accounts",
            "records": summary.account_records,
            "resolved": summary.accounts,
            "merged": summary.account_records - summary.accounts,
            "ids kept": summary.accounts_kept,
            "new ids": summary.accounts_new,
            "decided by": ", ".join(f"{k} {v}" for k, v in summary.accounts_by_rule.items()),
        },
    ]
    columns = ("entity", "records", "resolved", "merged", "ids kept", "new ids", "decided by")
    emit_rows(rows, columns=columns, fmt=fmt, title=f"Identity resolution {summary.run_id}")
    if fmt is OutputFormat.table:
        err().print(
            f"model: {summary.model_status}; overrides applied: {summary.overrides}; "
            f"uncertain pairs to review: {summary.to_review} (`accord identity review`)"
        )


def resolve(
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.5,
            max=1.0,
            help="Model probability at or above which two records with agreeing names "
            "are one person.",
        ),
    ] = DEFAULT_THRESHOLD,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Link every contact-like record to a person and every company to an account.

    Exact keys first (normalised email, E.164 phone, CRM ids that cross-reference), then
    the Splink model on names, email, phone, company, domain and city; accounts by web
    domain and company name. Ids stay stable across runs and overrides from `accord
    identity merge/split/review` are applied. Writes identity_people and
    identity_accounts in the warehouse.
    """
    ws = Workspace.open(workspace)
    with progress_bars() as progress:
        bar = TaskBar(progress, "resolving")
        summary = resolve_workspace(ws, threshold=threshold, progress=bar.step)
        bar.finish()
    print_summary(summary, fmt)
