"""Rule ``duplicate-name``: a name is defined once across all kinds and files.

Every definition after the first with the same name is reported (``accord definitions
show NAME`` must mean one thing).
"""

from __future__ import annotations

from accord.definitions.catalog import Catalog, Entry
from accord.definitions.issues import Issue
from accord.definitions.validation.context import Context

__all__ = ["check"]


def check(catalog: Catalog, context: Context) -> list[Issue]:
    """Report every repeated definition name."""
    first: dict[str, Entry] = {}
    issues: list[Issue] = []
    for entry in catalog:
        seen = first.setdefault(entry.name, entry)
        if seen is entry:
            continue
        where = f"{seen.source.file or '<memory>'}:{seen.source.line(('name',)) or '?'}"
        issues.append(
            entry.issue(
                ("name",),
                code="duplicate-name",
                message=f"{entry.name!r} is already defined ({seen.definition.kind}, {where})",
                fix="rename one of them or delete the copy",
            )
        )
    return issues
