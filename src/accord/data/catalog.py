"""The warehouse's tables: canonical tables, load records, quarantine, schema version.

``_accord_meta`` holds ``schema_version``; :func:`upgrade_warehouse` brings an older
warehouse up to :data:`SCHEMA_VERSION` (new tables, new canonical columns) and never
drops data. Canonical tables have no key constraint: the loader keeps
``(source_system, source_id)`` unique itself (an index would cost memory on every load).

Examples
--------
>>> from accord.data.warehouse import open_warehouse
>>> with open_warehouse("duckdb://") as wh:
...     ensure_warehouse_schema(wh)
...     warehouse_schema_version(wh), table_counts(wh)["contacts"]
(1, 0)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.data.schema import TABLES, ColumnType, Table
from accord.data.warehouse import Warehouse
from accord.errors import MigrationError, StoreError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = [
    "LOADS_TABLE",
    "META_TABLE",
    "QUARANTINE_TABLE",
    "SCHEMA_VERSION",
    "LoadRecord",
    "TableCounts",
    "ensure_warehouse_schema",
    "quarantine_rows",
    "recent_loads",
    "table_counts",
    "upgrade_warehouse",
    "warehouse_schema_version",
]

SCHEMA_VERSION = 1
META_TABLE = "_accord_meta"
LOADS_TABLE = "_accord_loads"
QUARANTINE_TABLE = "_accord_quarantine"

SQL_TYPES: Mapping[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "float": "DOUBLE",
    "money": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}
BOOKKEEPING_SQL = {"_load_id": "VARCHAR", "_loaded_at": "TIMESTAMP", "_row_hash": "BIGINT"}

_LOADS_COLUMNS = {
    "load_id": "VARCHAR", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP",
    "actor": "VARCHAR", "path": "VARCHAR", "file_hash": "VARCHAR", "file_bytes": "BIGINT",
    "mapping": "VARCHAR", "source_system": "VARCHAR", "status": "VARCHAR",
    "rows_read": "BIGINT", "inserted": "BIGINT", "updated": "BIGINT", "unchanged": "BIGINT",
    "quarantined": "BIGINT", "skipped": "BIGINT", "seconds": "DOUBLE",
    "tables": "VARCHAR", "message": "VARCHAR",
}  # fmt: skip
_QUARANTINE_COLUMNS = {
    "load_id": "VARCHAR", "file": "VARCHAR", "row": "BIGINT", "table_name": "VARCHAR",
    "column_name": "VARCHAR", "value": "VARCHAR", "reason": "VARCHAR", "record": "VARCHAR",
    "quarantined_at": "TIMESTAMP",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TableCounts:
    """What one load did to one canonical table.

    ``rows`` = ``inserted + updated + unchanged + quarantined``: the rows the file gave
    this table (for a melted target, one per non-empty melted cell).
    """

    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0


@dataclass(frozen=True, slots=True)
class LoadRecord:
    """One row of ``_accord_loads``: who loaded which file when, and what happened."""

    load_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    actor: str | None
    path: str
    file_hash: str | None
    mapping: str
    status: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    skipped: int
    seconds: float
    tables: Mapping[str, TableCounts]
    message: str | None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _con(warehouse: Warehouse) -> duckdb.DuckDBPyConnection:
    if not warehouse.is_duckdb:
        raise StoreError(
            f"The warehouse {warehouse.url} is not DuckDB; Accord's loader and catalog need "
            "the DuckDB warehouse for now.",
            hint="Load into a DuckDB warehouse, then copy the canonical tables with Ibis.",
        )
    return warehouse.duckdb


def canonical_columns_sql(table: Table) -> dict[str, str]:
    """Column name -> SQL type of a canonical table, bookkeeping columns included."""
    columns = {c.name: SQL_TYPES[c.type] for c in table.columns}
    columns.update(BOOKKEEPING_SQL)
    return columns


def _create(con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, str]) -> None:
    body = ", ".join(f"{_quote(c)} {t}" for c, t in columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {_quote(name)} ({body})")


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
        "AND database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def _version(con: duckdb.DuckDBPyConnection) -> int | None:
    if META_TABLE not in _existing(con):
        return None
    row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def warehouse_schema_version(warehouse: Warehouse) -> int | None:
    """The warehouse's schema version (``None`` before Accord created its tables)."""
    return _version(_con(warehouse))


def _wanted() -> dict[str, Mapping[str, str]]:
    wanted: dict[str, Mapping[str, str]] = {
        META_TABLE: {"key": "VARCHAR PRIMARY KEY", "value": "VARCHAR"},
        LOADS_TABLE: _LOADS_COLUMNS,
        QUARANTINE_TABLE: _QUARANTINE_COLUMNS,
    }
    wanted.update({t.name: canonical_columns_sql(t) for t in TABLES.values()})
    return wanted


def _missing(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str]]:
    """What is missing: ``(table, None, "")`` for a table, ``(table, column, type)``."""
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    have: dict[str, set[str]] = {}
    for table, column in rows:
        have.setdefault(table, set()).add(column)
    missing: list[tuple[str, str | None, str]] = []
    for name, columns in _wanted().items():
        if name not in have:
            missing.append((name, None, ""))
            continue
        missing += [
            (name, c, t.replace(" PRIMARY KEY", ""))
            for c, t in columns.items()
            if c not in have[name]
        ]
    return missing


def _apply(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create what is missing; return a description of each change."""
    steps: list[str] = []
    wanted = _wanted()
    for name, column, sql_type in _missing(con):
        if column is None:
            _create(con, name, wanted[name])
            steps.append(f"create table {name}")
        else:
            con.execute(f"ALTER TABLE {_quote(name)} ADD COLUMN {_quote(column)} {sql_type}")
            steps.append(f"add column {name}.{column}")
    return steps


def _set_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('schema_version', ?)", [str(version)])


def _transaction(con: duckdb.DuckDBPyConnection, work: Any) -> Any:
    con.execute("BEGIN TRANSACTION")
    try:
        result = work()
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return result


def ensure_warehouse_schema(warehouse: Warehouse) -> None:
    """Create Accord's tables in a new warehouse; check the version of an existing one.

    Idempotent. A warehouse at the current version also gets any table that is missing.

    Raises
    ------
    MigrationError
        The warehouse was written by another version of Accord (older: run ``accord
        upgrade``; newer: upgrade Accord).
    """
    con = _con(warehouse)
    version = _version(con)
    if version is not None and version != SCHEMA_VERSION:
        _refuse(warehouse, version)
    if version is not None and not _missing(con):
        return

    def work() -> None:
        _apply(con)
        if version is None:
            _set_version(con, SCHEMA_VERSION)

    _transaction(con, work)


def _refuse(warehouse: Warehouse, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise MigrationError(
            f"The warehouse {warehouse.url} has schema version {version}, newer than this "
            f"Accord understands ({SCHEMA_VERSION}).",
            hint="Upgrade Accord (pip install -U accord).",
        )
    raise MigrationError(
        f"The warehouse {warehouse.url} has schema version {version}; this Accord uses "
        f"{SCHEMA_VERSION}.",
        hint="Run `accord upgrade` (it keeps every row).",
    )


def upgrade_warehouse(warehouse: Warehouse) -> list[str]:
    """Bring the warehouse to :data:`SCHEMA_VERSION`; return the steps applied.

    New tables are created and new canonical columns added (empty for old rows); nothing
    is dropped. Running it on an up-to-date warehouse applies nothing.

    Raises
    ------
    MigrationError
        The warehouse is newer than this Accord.
    """
    con = _con(warehouse)
    version = _version(con)
    if version is not None and version > SCHEMA_VERSION:
        _refuse(warehouse, version)

    def work() -> list[str]:
        steps = _apply(con)
        if version != SCHEMA_VERSION:
            _set_version(con, SCHEMA_VERSION)
            steps.append(f"set schema version {version or 0} -> {SCHEMA_VERSION}")
        return steps

    result: list[str] = _transaction(con, work)
    return result


def table_counts(warehouse: Warehouse) -> dict[str, int]:
    """Row count of every canonical table (0 for one not yet created)."""
    con = _con(warehouse)
    existing = _existing(con)
    counts: dict[str, int] = {}
    for name in TABLES:
        if name in existing:
            row = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
            counts[name] = int(row[0]) if row else 0
        else:
            counts[name] = 0
    return counts


def _counts(raw: str | None) -> dict[str, TableCounts]:
    if not raw:
        return {}
    data: dict[str, dict[str, int]] = json.loads(raw)
    return {name: TableCounts(**values) for name, values in data.items()}


def recent_loads(warehouse: Warehouse, limit: int = 10) -> list[LoadRecord]:
    """The last *limit* loads, newest first (rejected files included)."""
    con = _con(warehouse)
    if LOADS_TABLE not in _existing(con):
        return []
    rows = con.execute(
        "SELECT load_id, started_at, finished_at, actor, path, file_hash, mapping, status, "
        "rows_read, inserted, updated, unchanged, quarantined, skipped, seconds, tables, "
        f"message FROM {LOADS_TABLE} ORDER BY started_at DESC, load_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [_record(r) for r in rows]


def _record(r: tuple[Any, ...]) -> LoadRecord:
    return LoadRecord(
        load_id=r[0],
        started_at=r[1],
        finished_at=r[2],
        actor=r[3],
        path=r[4],
        file_hash=r[5],
        mapping=r[6],
        status=r[7],
        rows_read=r[8] or 0,
        inserted=r[9] or 0,
        updated=r[10] or 0,
        unchanged=r[11] or 0,
        quarantined=r[12] or 0,
        skipped=r[13] or 0,
        seconds=r[14] or 0.0,
        tables=_counts(r[15]),
        message=r[16],
    )


def quarantine_rows(
    warehouse: Warehouse,
    *,
    load_id: str | None = None,
    table: str | None = None,
    limit: int | None = None,
) -> pa.Table:
    """Quarantined problems as an Arrow table, in file and row order.

    One row per problem: ``load_id, file, row, table_name, column_name, value, reason,
    record`` (the raw record as JSON, header -> text), ``quarantined_at``.
    """
    con = _con(warehouse)
    if QUARANTINE_TABLE not in _existing(con):
        ensure_warehouse_schema(warehouse)
    where, params = [], []
    if load_id is not None:
        where.append("load_id = ?")
        params.append(load_id)
    if table is not None:
        where.append("table_name = ?")
        params.append(table)
    sql = f"SELECT * FROM {QUARANTINE_TABLE}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY quarantined_at, load_id, file, row, table_name, column_name"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    result: pa.Table = con.execute(sql, params).to_arrow_table()
    return result
