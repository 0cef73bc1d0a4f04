"""Reading a user's file for the file-level commands (no workspace): one place for it.

The file is opened by an in-memory DuckDB through Ibis, with extension downloads off;
DuckDB's parser errors become :class:`~accord.errors.FileRejected` naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from accord.errors import FileRejected, InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

__all__ = ["PARQUET_SUFFIXES", "offline_duckdb", "read_table", "require_file"]

PARQUET_SUFFIXES = (".parquet", ".pq")


def require_file(file: Path) -> None:
    """Refuse a path that is not an existing file."""
    if not file.is_file():
        raise FileRejected("no such file", path=str(file))


def offline_duckdb() -> Backend:
    """An in-memory DuckDB that never downloads an extension."""
    con = ibis.duckdb.connect()
    con.raw_sql("SET autoinstall_known_extensions = false")
    return con


def read_table(
    file: Path,
    *,
    delimiter: str | None = None,
    header: bool = True,
    names: list[str] | None = None,
    what: str = "",
) -> ir.Table:
    """Read a Parquet file, or a CSV (sniffed unless *delimiter* is given), as a table.

    Parameters
    ----------
    what
        Words added to the refusal, e.g. ``" as a path file"``.
    """
    require_file(file)
    con = offline_duckdb()
    try:
        if file.suffix.lower() in PARQUET_SUFFIXES:
            return con.read_parquet(file)
        options: dict[str, Any] = {"header": header}
        if delimiter:
            options["delim"] = delimiter
        if names:
            options["names"] = names
        return con.read_csv(file, **options)
    except (InputError, FileRejected):
        raise
    except Exception as error:  # DuckDB's parser errors carry the reason
        raise FileRejected(f"cannot be read{what} ({error})", path=str(file)) from None
