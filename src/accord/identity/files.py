"""Reading a file of records for identity resolution, and checking its id column.

Files are read with DuckDB's readers (CSV with any delimiter it can sniff, Parquet,
JSON) with every column as text: identity resolution normalises values itself and a
postcode such as ``02139`` must not become a number.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from accord.errors import FileRejected, InputError
from accord.identity.columns import normalise_header

__all__ = ["guess_id_column", "read_records", "validate_ids"]

_READERS = {
    ".csv": "read_csv",
    ".tsv": "read_csv",
    ".txt": "read_csv",
    ".parquet": "read_parquet",
    ".json": "read_json",
    ".jsonl": "read_json",
    ".ndjson": "read_json",
}
_ID_HEADERS = ("id", "unique_id", "record_id", "uid", "row_id", "key", "contact_id")


def read_records(path: Path | str) -> pd.DataFrame:
    """All rows of *path*, every column as text (missing values as ``None``).

    Raises
    ------
    FileRejected
        The file does not exist, cannot be parsed, or has no rows.
    """
    file = Path(path)
    if not file.is_file():
        raise FileRejected("no such file", path=str(file))
    reader = _READERS.get(file.suffix.lower(), "read_csv")
    options = ", all_varchar = true, header = true" if reader == "read_csv" else ""
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        con.execute("set enable_progress_bar = false")
        relation = con.sql(f"select * from {reader}(?{options})", params=[str(file)])
        text = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in _quoted(relation.columns))
        frame = relation.project(text).df()
    except duckdb.Error as exc:
        raise FileRejected(
            f"could not be read as {reader.removeprefix('read_')}: {exc}",
            path=str(file),
            hint="Give a CSV with a header row, a Parquet file or a JSON file.",
        ) from exc
    finally:
        con.close()
    if frame.empty:
        raise FileRejected("has no rows", path=str(file))
    frame = frame.astype(object).where(frame.notna(), None)
    return frame


def _quoted(columns: list[str]) -> list[str]:
    return [c.replace('"', '""') for c in columns]


def guess_id_column(frame: pd.DataFrame) -> str | None:
    """A column that looks like a record id: named like one, complete and unique."""
    names = [str(c) for c in frame.columns]
    by_header = {normalise_header(c): c for c in names}
    named = [by_header[h] for h in _ID_HEADERS if h in by_header]
    named += [c for c in names if re.search(r"(^|_)id$", normalise_header(c))]
    for column in named:
        values = frame[column]
        if values.notna().all() and values.is_unique:
            return column
    return None


def validate_ids(frame: pd.DataFrame, id_column: str | None, *, path: str) -> str:
    """The id column to use; checks that it exists and is complete and unique.

    Raises
    ------
    InputError
        No id column given or found, not in the file, empty values, or duplicates.
    """
    columns = ", ".join(repr(c) for c in frame.columns)
    if id_column is None:
        guessed = guess_id_column(frame)
        if guessed is None:
            raise InputError(
                f"{path}: no id column found among {columns}.",
                hint="Pass --id-column with the column that identifies each row.",
            )
        return guessed
    if id_column not in frame.columns:
        raise InputError(
            f"{path}: there is no column {id_column!r}; the file has {columns}.",
            hint="Pass --id-column with one of those names (headers are case-sensitive).",
        )
    ids = frame[id_column]
    if ids.isna().any():
        raise InputError(
            f"{path}: {int(ids.isna().sum())} row(s) have no value in {id_column!r}.",
            hint="Every row needs an id; fill them in or choose another --id-column.",
        )
    duplicated = ids[ids.duplicated()].unique()
    if len(duplicated):
        sample = ", ".join(repr(v) for v in duplicated[:5])
        raise InputError(
            f"{path}: {len(duplicated)} id(s) in {id_column!r} occur more than once "
            f"(e.g. {sample}).",
            hint="Ids must be unique per row; choose another --id-column.",
        )
    return id_column
