"""The warehouse: customer data in an Ibis backend (DuckDB file by default).

DuckDB lets one process open a file for writing. A second process gets "Could not set
lock"; :func:`open_warehouse` turns that into :class:`~accord.errors.WarehouseLocked`
naming the process that holds it and what to do. Extensions are never downloaded at run
time (``autoinstall_known_extensions=false``): parquet, json and icu are built in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis

from accord.errors import StoreError, WarehouseLocked

if TYPE_CHECKING:
    import duckdb
    from ibis.backends import BaseBackend

__all__ = ["Warehouse", "open_warehouse"]

_LOCK_RE = re.compile(r"Conflicting lock is held in (?P<prog>.*?) \(PID (?P<pid>\d+)\)")


@dataclass
class Warehouse:
    """An open warehouse connection.

    Attributes
    ----------
    url
        The Ibis URL it was opened with.
    backend
        The Ibis backend; engines receive ``backend.table(...)`` expressions.
    read_only
        Whether it was opened read-only.
    """

    url: str
    backend: BaseBackend
    read_only: bool = False

    @property
    def is_duckdb(self) -> bool:
        """True for the embedded default (the loader uses DuckDB's native readers)."""
        name: str = self.backend.name
        return name == "duckdb"

    @property
    def duckdb(self) -> duckdb.DuckDBPyConnection:
        """The raw DuckDB connection (``StoreError`` on another backend)."""
        if not self.is_duckdb:
            raise StoreError(f"The warehouse at {self.url} is not DuckDB.")
        con: duckdb.DuckDBPyConnection = self.backend.con
        return con

    def table(self, name: str) -> ibis.Table:
        """An Ibis expression over the warehouse table *name*."""
        return self.backend.table(name)

    def tables(self) -> list[str]:
        """Names of the tables in the warehouse."""
        names: list[str] = self.backend.list_tables()
        return sorted(n for n in names if not n.startswith("ibis_"))

    def close(self) -> None:
        """Close the connection (idempotent)."""
        disconnect: Any = getattr(self.backend, "disconnect", None)
        if disconnect is not None:
            disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_warehouse(url: str, *, read_only: bool = False) -> Warehouse:
    """Open the warehouse at the Ibis *url*.

    Raises
    ------
    WarehouseLocked
        The DuckDB file is held by another process; the message names it.
    StoreError
        Any other failure to connect, with the URL.
    """
    try:
        if url.startswith("duckdb://"):
            path = url[len("duckdb://") :]
            path = path[1:] if path.startswith("//") else path
            database = ":memory:" if path in ("", "/", "/:memory:", ":memory:") else path
            backend = ibis.duckdb.connect(database=database, read_only=read_only)
            backend.raw_sql("SET autoinstall_known_extensions = false")
            backend.raw_sql("SET autoload_known_extensions = true")
        else:
            backend = ibis.connect(url)
    except Exception as exc:  # the drivers raise many unrelated types
        text = str(exc)
        if "Could not set lock" in text or "Conflicting lock" in text:
            match = _LOCK_RE.search(text)
            who = f"{match['prog']} (PID {match['pid']})" if match else "another process"
            raise WarehouseLocked(
                f"The warehouse {url} is in use by {who}; DuckDB allows one writer at a time.",
                hint="Stop that process (e.g. a running `accord serve`), or send the work to "
                "it: uploads through the web app run inside the server.",
            ) from exc
        raise StoreError(
            f"Could not open the warehouse {url}: {text}",
            hint="Check [warehouse] url in accord.toml.",
        ) from exc
    return Warehouse(url=url, backend=backend, read_only=read_only)
