"""Load records: one row of ``_accord_loads`` per load, refused files included."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from accord.data.catalog import LOADS_TABLE, QUARANTINE_TABLE, TableCounts
from accord.data.loading.stage import Stage
from accord.data.sources.spec import MappingSpec
from accord.errors import FileRejected

if TYPE_CHECKING:
    import duckdb

__all__ = ["LoadReport", "finish_load", "record_rejection", "utc_now"]


def utc_now() -> dt.datetime:
    """Now, as naive UTC (the warehouse's convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did (also stored as a row of ``_accord_loads``)."""

    load_id: str
    path: str
    file_hash: str
    mapping: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    skipped: int
    seconds: float
    tables: Mapping[str, TableCounts]


def finish_load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: MappingSpec,
    load_id: str,
    started: dt.datetime,
    clock: float,
    actor: str | None,
    stage: Stage,
    skipped: int,
    counts: dict[str, TableCounts],
    file_hash: str,
) -> LoadReport:
    row = con.execute(
        f"SELECT count(DISTINCT row) FROM {QUARANTINE_TABLE} WHERE load_id = ?", [load_id]
    ).fetchone()
    quarantined = int(row[0]) if row else 0
    report = LoadReport(
        load_id=load_id,
        path=str(path),
        file_hash=file_hash,
        mapping=mapping.name,
        rows_read=stage.records + stage.rejected,
        inserted=sum(c.inserted for c in counts.values()),
        updated=sum(c.updated for c in counts.values()),
        unchanged=sum(c.unchanged for c in counts.values()),
        quarantined=quarantined,
        skipped=skipped,
        seconds=time.perf_counter() - clock,
        tables=counts,
    )
    _insert_load(
        con,
        report,
        started=started,
        actor=actor,
        status="loaded",
        message=None,
        source_system=mapping.source_system,
    )
    return report


def _insert_load(
    con: duckdb.DuckDBPyConnection,
    report: LoadReport,
    *,
    started: dt.datetime,
    actor: str | None,
    status: str,
    message: str | None,
    source_system: str,
) -> None:
    size = Path(report.path).stat().st_size if Path(report.path).is_file() else None
    tables = json.dumps({k: asdict(v) for k, v in report.tables.items()})
    con.execute(
        f"INSERT INTO {LOADS_TABLE} (load_id, started_at, finished_at, actor, path, file_hash, "
        "file_bytes, mapping, source_system, status, rows_read, inserted, updated, unchanged, "
        "quarantined, skipped, seconds, tables, message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.load_id,
            started,
            utc_now(),
            actor,
            report.path,
            report.file_hash or None,
            size,
            report.mapping,
            source_system,
            status,
            report.rows_read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.quarantined,
            report.skipped,
            report.seconds,
            tables,
            message,
        ],
    )


def record_rejection(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: MappingSpec,
    load_id: str,
    started: dt.datetime,
    clock: float,
    actor: str | None,
    exc: FileRejected,
    hashed: list[str],
) -> None:
    report = LoadReport(
        load_id,
        str(path),
        hashed[0] if hashed else "",
        mapping.name,
        0,
        0,
        0,
        0,
        0,
        0,
        time.perf_counter() - clock,
        {},
    )
    con.execute("BEGIN TRANSACTION")
    try:
        _insert_load(
            con,
            report,
            started=started,
            actor=actor,
            status="rejected",
            message=exc.message,
            source_system=mapping.source_system,
        )
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
