"""What the capability pages (Funnel & SLA, Credit, Economics, Accounts) share: the API
models of a :class:`~accord.web.services.reports.View`, one table served page by page or
as CSV, and the ``cell`` filter that formats a table's values for people.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from fastapi.responses import Response

from accord.web.listing import Listing, download_response
from accord.web.models import CitationPublic, Page, Public
from accord.web.services.reports import Table, View

__all__ = [
    "TableInfoPublic",
    "ViewPublic",
    "cell",
    "table_enum",
    "table_response",
]

PERCENT_WORDS = ("rate", "share", "attainment", "pace", "romi", "elapsed", "margin")


class TableInfoPublic(Public):
    """A table of a page: its name (``/api/v1/<page>/<name>``), title, columns, size."""

    name: str
    title: str
    columns: list[str]
    total: int
    notes: list[str]


class ProblemPublic(Public):
    """Why part of a page has no figures, and how to fix that."""

    message: str
    hint: str | None


class ViewPublic(Public):
    """A page: its tables, the definition versions its figures used, notes, problems."""

    tables: list[TableInfoPublic]
    definitions: list[CitationPublic]
    parameters: dict[str, str]
    notes: list[str]
    problems: list[ProblemPublic]

    @classmethod
    def of(cls, view: View) -> ViewPublic:
        """From a service's view."""
        return cls(
            tables=[
                TableInfoPublic(
                    name=t.name,
                    title=t.title,
                    columns=list(t.columns),
                    total=t.total,
                    notes=list(t.notes),
                )
                for t in view.tables
            ],
            definitions=[CitationPublic.of(c) for c in view.citations],
            parameters=dict(view.parameters),
            notes=list(view.notes),
            problems=[ProblemPublic(message=p.message, hint=p.hint) for p in view.problems],
        )


def table_enum(name: str, tables: dict[str, str]) -> type[StrEnum]:
    """An enumeration of a page's table names (a path parameter the API validates)."""
    enum: type[StrEnum] = StrEnum(name, {k: k for k in tables})  # type: ignore[misc]
    return enum


def table_response(
    table: Table, listing: Listing, filename: str
) -> Page[dict[str, Any]] | Response:
    """One page of *table* (JSON), or all of it as CSV."""
    if listing.download:
        return download_response(listing, list(table.rows), filename, list(table.columns))
    window = list(table.rows[listing.offset : listing.offset + listing.limit])
    return Page(items=window, total=table.total, offset=listing.offset, limit=listing.limit)


def cell(value: Any, column: str = "") -> str:
    """A table value as people read it: rates as percentages, big numbers grouped.

    >>> cell(0.256, "acceptance_rate"), cell(1234567.891, "pipeline"), cell(None), cell(3)
    ('25.6%', '1,234,568', '', '3')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else (value.date().isoformat())
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if any(w in column.lower() for w in PERCENT_WORDS):
            return f"{value:.1%}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    return str(value)
