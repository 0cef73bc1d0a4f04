"""Staging: the file's records as text in a DuckDB temporary table.

The stage table has one ``VARCHAR`` column per file column, named ``c0, c1, ...`` (the
headers are kept in Python, so duplicate or odd header names cannot clash), and its
``rowid`` is the record's position in the file. CSV is parsed by DuckDB's ``read_csv``
with the sniffed dialect and every value as text; lines DuckDB cannot split into the
header's fields (a missing or extra delimiter, an unclosed quote, bytes that are not
UTF-8, a line over the size limit) are kept in a rejects table rather than failing the
load, and become quarantine rows.

Row numbers are the ones a spreadsheet shows: the header is row ``header_row`` (1 unless
report-title lines are above it) and a record spanning several lines because of a quoted
line break is one row. DuckDB numbers rejected lines that way; a good record's row is
its position plus the rejected lines before it (:func:`row_sql`).
"""

from __future__ import annotations

import codecs
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from accord.data.loading.parsers import literal
from accord.data.sources.sniff import FileShape
from accord.errors import FileRejected, StoreError

if TYPE_CHECKING:
    import duckdb

__all__ = ["REJECTS", "STAGE", "Stage", "drop_stage", "row_sql", "stage_file"]

STAGE = "_accord_stage"
REJECTS = "_accord_rejects"
OFFSETS = "_accord_row_offsets"
_SCAN = "_accord_reject_scans"
_ERRORS = "_accord_reject_errors"
MAX_LINE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Stage:
    """A staged file.

    The stage is created outside the load's transaction (it is temporary, so a crash
    loses it anyway): committed, its ``rowid`` runs from 0 in file order.

    Attributes
    ----------
    headers
        The file's column names, in order (``c{i}`` in the stage holds ``headers[i]``).
    header_row
        Spreadsheet row of the header (0 for formats without a header line).
    records
        Rows in the stage table.
    rejected
        Malformed records (rows of :data:`REJECTS`).
    """

    headers: tuple[str, ...]
    header_row: int
    records: int
    rejected: int


def _transcode(source: Path, shape: FileShape, workdir: Path) -> Path:
    """Re-encode a text file as UTF-8, streaming (Excel's UTF-16 and Windows-1252)."""
    target = workdir / (source.name + ".utf8")
    decoder = codecs.getincrementaldecoder(shape.encoding)(errors="replace")
    with (
        _open_binary(source, shape.compressed) as raw,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        while chunk := raw.read(1 << 20):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target


def _open_binary(path: Path, compressed: bool) -> IO[bytes]:
    if compressed:
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, shape: FileShape, workdir: Path
) -> Stage:
    source = _transcode(path, shape, workdir) if shape.needs_transcoding else path
    width = max(len(shape.headers), 1)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    con.execute(f"DROP TABLE IF EXISTS {_ERRORS}")
    con.execute(f"DROP TABLE IF EXISTS {_SCAN}")
    options = (
        f"delim={literal(shape.delimiter)}, quote='\"', escape='\"', header=true, "
        f"skip={shape.skip}, auto_detect=false, columns={columns}, "
        f"max_line_size={MAX_LINE_BYTES}, buffer_size={4 * MAX_LINE_BYTES}, "
        f"store_rejects=true, rejects_table='{_ERRORS}', rejects_scan='{_SCAN}', "
        f"compression={'gzip' if shape.compressed and source == path else 'none'!r}"
    )
    con.execute(
        f"CREATE TEMP TABLE {STAGE} AS SELECT * FROM read_csv({literal(str(source))}, {options})"
    )
    header_row = shape.skip + 1
    con.execute(
        f"CREATE TEMP TABLE {REJECTS} AS SELECT line AS row, column_name, error_type, "
        f"csv_line, error_message FROM {_ERRORS}"
    )
    con.execute(f"DROP TABLE {_ERRORS}")
    con.execute(f"DROP TABLE {_SCAN}")
    rejected = _scalar(con, f"SELECT count(DISTINCT row) FROM {REJECTS}")
    # g_j = rows of good records before the j-th rejected row (see row_sql)
    con.execute(
        f"CREATE TEMP TABLE {OFFSETS} AS SELECT g, max(j) AS j FROM ("
        f"SELECT row - {header_row} - row_number() OVER (ORDER BY row) AS g, "
        f"row_number() OVER (ORDER BY row) AS j FROM (SELECT DISTINCT row FROM {REJECTS})"
        ") GROUP BY g"
    )
    return Stage(shape.headers, header_row, _records(con), rejected)


def _stage_columnar(
    con: duckdb.DuckDBPyConnection, path: Path, shape: FileShape, workdir: Path
) -> Stage:
    source = _transcode(path, shape, workdir) if shape.needs_transcoding else path
    template = {
        "parquet": "read_parquet({}{})",
        "json": "read_json({}, format='array'{})",
        "jsonl": "read_json({}, format='newline_delimited'{})",
    }[shape.format]
    reader = template.format(literal(str(source)), "")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except Exception as exc:  # DuckDB raises several types for a malformed file
        raise FileRejected(
            f"is not a valid {shape.format} file: {_first_line(exc)}",
            path=str(path),
            hint="Check that the file is complete and in the format its name says.",
        ) from exc
    headers = tuple(str(r[0]) for r in described)
    if shape.format != "parquet":  # JSON: every value as its text, nested values as JSON
        columns = ", ".join(f"{literal(h)}: 'VARCHAR'" for h in headers)
        reader = template.format(literal(str(source)), f", columns={{{columns}}}")
    select = ", ".join(f"CAST({_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(headers))
    try:
        con.execute(f"CREATE TEMP TABLE {STAGE} AS SELECT {select} FROM {reader}")
    except Exception as exc:
        raise FileRejected(
            f"is not a valid {shape.format} file: {_first_line(exc)}",
            path=str(path),
            hint="Check that the file is complete and in the format its name says.",
        ) from exc
    con.execute(
        f"CREATE TEMP TABLE {REJECTS} (row BIGINT, column_name VARCHAR, error_type VARCHAR, "
        "csv_line VARCHAR, error_message VARCHAR)"
    )
    con.execute(f"CREATE TEMP TABLE {OFFSETS} (g BIGINT, j BIGINT)")
    return Stage(headers, 0, _records(con), 0)


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, shape: FileShape, workdir: Path
) -> Stage:
    """Stage the file at *path* (of the sniffed *shape*) as text; see the module doc.

    *workdir* receives a UTF-8 copy when the file must be re-encoded.
    """
    for name in (STAGE, REJECTS, OFFSETS):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    if shape.format == "csv":
        return _stage_csv(con, path, shape, workdir)
    return _stage_columnar(con, path, shape, workdir)


def drop_stage(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the stage tables (they are temporary; this frees memory early)."""
    for name in (STAGE, REJECTS, OFFSETS):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def row_sql(ordinal: str, stage: Stage) -> str:
    """SQL of the spreadsheet row of the record at 0-based stage position *ordinal*.

    With the rejected rows ``R_1 < R_2 < ...`` and header row ``H``, ``g_j = R_j - H - j``
    good records come before ``R_j``; the k-th good record (1-based) is on row
    ``H + k + #{j : g_j < k}``.
    """
    base = f"({stage.header_row} + {ordinal} + 1)"
    if stage.rejected == 0:
        return base
    return f"({base} + coalesce((SELECT max(o.j) FROM {OFFSETS} o WHERE o.g < {ordinal} + 1), 0))"


def _records(con: duckdb.DuckDBPyConnection) -> int:
    """Rows in the stage, checking that ``rowid`` numbers them 0..n-1 in file order."""
    row = con.execute(f"SELECT count(*), min(rowid), max(rowid) FROM {STAGE}").fetchone()
    count, low, high = row or (0, None, None)
    if count and (low != 0 or high != count - 1):
        raise StoreError(
            f"The staged rows are numbered {low}..{high} for {count} rows; row numbers would "
            "be wrong. This is a bug in Accord: please report it."
        )
    return int(count)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
