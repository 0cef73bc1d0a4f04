"""Lists: pagination parameters, and CSV downloads of every table.

Every list of the API takes ``offset``, ``limit`` and ``format``: ``json`` returns a
:class:`~accord.web.models.Page`, ``csv`` the whole list (all pages) as a download. Text
cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are
prefixed with ``'`` (OWASP "CSV injection").

Examples
--------
>>> print(to_csv([{"a": 1, "b": "=2+2"}], ["a", "b"]), end="")
a,b
1,'=2+2
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

__all__ = ["CSV_RESPONSE", "Listing", "ListingDep", "csv_response", "to_csv"]

MAX_LIMIT = 1000

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The list (JSON), or all of it as CSV."}
}
"""``responses=`` of a list route that can answer in CSV (for the OpenAPI document)."""


@dataclass(frozen=True, slots=True)
class Listing:
    """Which page of a list, in which format."""

    offset: int
    limit: int
    format: Literal["json", "csv"]

    @property
    def csv(self) -> bool:
        """Whether the whole list is wanted as CSV."""
        return self.format == "csv"


async def get_listing(
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    format: Annotated[
        Literal["json", "csv"], Query(description="csv: the whole list as a CSV download.")
    ] = "json",
) -> Listing:
    """The pagination parameters of a request."""
    return Listing(offset=offset, limit=limit, format=format)


ListingDep = Annotated[Listing, Depends(get_listing)]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """*rows* as CSV text with a header of *columns*."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_response(
    rows: Iterable[Mapping[str, Any] | BaseModel], filename: str, columns: Sequence[str] = ()
) -> Response:
    """A CSV download of *rows* (models are dumped; columns default to the first row's)."""
    dicts = [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in rows]
    header = list(columns) or (list(dicts[0]) if dicts else [])
    return Response(
        to_csv(dicts, header),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
