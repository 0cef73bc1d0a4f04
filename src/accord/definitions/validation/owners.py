"""Rules ``missing-owners`` and ``unknown-team``: every definition names the teams that
must sign it, and every team named (owners, a term's readings) exists."""

from __future__ import annotations

from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.term import TermDefinition
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report definitions without owners and team names that do not exist."""
    known = ", ".join(sorted(context.teams))
    issues: list[Issue] = []
    for entry in catalog.unique():
        d = entry.definition
        if not d.owners:
            issues.append(
                entry.issue(
                    ("owners",),
                    code="missing-owners",
                    message=f"{d.kind} {d.name!r} has no owners, so nobody can sign it",
                    fix=f"add `owners:` with the teams that must sign it ({known})",
                )
            )
        for team in d.owners:
            if team not in context.teams:
                issues.append(
                    entry.issue(
                        entry.source.item(("owners",), team),
                        code="unknown-team",
                        message=f"owner {team!r} is not a team",
                        fix=f"use one of: {known} (or add the team first)",
                    )
                )
        if isinstance(d, TermDefinition):
            for team, _ in d.body.readings:
                if team not in context.teams:
                    issues.append(
                        entry.issue(
                            ("body", "readings", team),
                            code="unknown-team",
                            message=f"reading for {team!r}, which is not a team",
                            fix=f"use one of: {known}",
                        )
                    )
    return issues
