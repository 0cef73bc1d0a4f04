"""Lists: pagination parameters, and CSV and Parquet downloads of every table.

Every list of the API takes ``offset``, ``limit`` and ``format``: ``json`` returns a
:class:`~accord.web.models.Page`, ``csv`` and ``parquet`` the whole list (all pages) as
a download. In CSV, text cells that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` first) are prefixed with ``'`` (OWASP "CSV injection"). Parquet keeps each
column's type (numbers, times, booleans); a column whose values mix types, and nested
values, are written as text (nested ones as JSON).

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

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

__all__ = [
    "CSV_RESPONSE",
    "Listing",
    "ListingDep",
    "download_response",
    "to_csv",
    "to_parquet",
]

MAX_LIMIT = 1000

PARQUET_TYPE = "application/vnd.apache.parquet"
"""The Parquet media type (IANA registration, 2024)."""

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, PARQUET_TYPE: {}},
        "description": "The list (JSON), or all of it as CSV or Parquet.",
    }
}
"""``responses=`` of a list route that can answer in CSV (for the OpenAPI document)."""


@dataclass(frozen=True, slots=True)
class Listing:
    """Which page of a list, in which format."""

    offset: int
    limit: int
    format: Literal["json", "csv", "parquet"]

    @property
    def download(self) -> bool:
        """Whether the whole list is wanted as a file (CSV or Parquet)."""
        return self.format != "json"


async def get_listing(
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    format: Annotated[
        Literal["json", "csv", "parquet"],
        Query(description="csv or parquet: the whole list as a download."),
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


def _column(values: list[Any]) -> pa.Array:
    """*values* as one Arrow array: typed when they agree, else text."""
    if any(isinstance(v, dict | list) for v in values):
        values = [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                  for v in values]  # fmt: skip
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def to_parquet(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """*rows* as a Parquet file (zstd) with *columns*, each typed when its values agree."""
    arrays = [_column([row.get(c) for row in rows]) for c in columns]
    table = pa.Table.from_arrays(arrays, names=list(columns))
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def download_response(
    listing: Listing,
    rows: Iterable[Mapping[str, Any] | BaseModel],
    filename: str,
    columns: Sequence[str] = (),
) -> Response:
    """All of *rows* as a download in the listing's format (models are dumped; columns
    default to the first row's); *filename*'s extension follows the format."""
    dicts = [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in rows]
    header = list(columns) or (list(dicts[0]) if dicts else [])
    stem = filename.rsplit(".", 1)[0]
    if listing.format == "parquet":
        body: str | bytes = to_parquet(dicts, header)
        media, name = PARQUET_TYPE, f"{stem}.parquet"
    else:
        body, media, name = to_csv(dicts, header), "text/csv; charset=utf-8", f"{stem}.csv"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
