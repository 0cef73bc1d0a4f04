"""Loading files into the canonical tables: validated, quarantined, atomic, idempotent.

:func:`load_file` reads one file through a :class:`~accord.data.sources.MappingSpec` in
one warehouse transaction: the rows are staged as text in DuckDB, parsed and checked by
SQL expressions over the whole file, valid rows are upserted by ``(source_system,
source_id)``, every problem of an invalid row goes to ``_accord_quarantine`` and the load
is recorded in ``_accord_loads``. A crash or Ctrl-C before the commit leaves the
warehouse as it was. A file wrong as a whole raises :class:`~accord.errors.FileRejected`
before anything is written (the refusal itself is recorded, with status ``rejected``).

Counts: ``rows_read`` = records in the file after the header; ``skipped`` = blank rows
and report furniture (``ignore_rows``); ``quarantined`` = records with at least one
problem in any target (malformed lines included); ``inserted`` / ``updated`` /
``unchanged`` add up over the tables. For a mapping with one target and no melt,
``rows_read = inserted + updated + unchanged + quarantined + skipped``.

Examples
--------
>>> import pathlib, tempfile
>>> from accord.data.sources import get_preset
>>> from accord.data.warehouse import open_warehouse
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "deals.csv").write_text(
...     "Record ID,Deal Name,Deal Stage,Amount,Create Date\\n"
...     "1,Acme,closedwon,\\"$1,200.00\\",2024-01-05\\n"
...     "2,Beta,appointmentscheduled,oops,2024-01-06\\n"
... )
>>> with open_warehouse("duckdb://") as wh:
...     report = load_file(wh, folder / "deals.csv", mapping=get_preset("hubspot-deals"))
>>> report.rows_read, report.inserted, report.quarantined
(2, 1, 1)
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accord.data.catalog import (
    TableCounts,
    ensure_warehouse_schema,
)
from accord.data.loading.plan import TargetPlan, plan_target, skip_sql
from accord.data.loading.records import LoadReport, finish_load, record_rejection, utc_now
from accord.data.loading.session import (
    LOAD_MEMORY_LIMIT,
    Meter,
    Progress,
    load_session,
    sha256_file,
)
from accord.data.loading.stage import STAGE, Stage, drop_stage, stage_file
from accord.data.loading.write import quarantine_rejects, write_target
from accord.data.sources.sniff import FileShape, sniff
from accord.data.sources.spec import Candidates, MappingSpec
from accord.data.warehouse import Warehouse
from accord.errors import FileRejected, InputError, StoreError

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "LOAD_MEMORY_LIMIT",
    "LoadReport",
    "Progress",
    "TableCounts",
    "load_file",
    "load_files",
]


def _expected(mapping: MappingSpec) -> list[Candidates]:
    """Every candidate list of the mapping (to find the header line)."""
    found: list[Candidates] = []
    for target in mapping.targets:
        found += list(target.source_id) + list(target.columns.values())
        found += [r.from_ for r in target.values.values() if r.from_]
        if target.melt is not None:
            found += list(target.melt.columns.values())
    return found


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"Unknown time zone {timezone!r}.",
            hint="Use an IANA name such as 'Europe/Berlin' or 'UTC'.",
        ) from exc


def _new_load_id(started: dt.datetime) -> str:
    return f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def load_file(
    warehouse: Warehouse,
    path: Path,
    *,
    mapping: MappingSpec,
    timezone: str = "UTC",
    actor: str | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load the file at *path* through *mapping* into the canonical tables.

    Parameters
    ----------
    warehouse
        A DuckDB warehouse opened for writing.
    path
        CSV (any delimiter or encoding, gzip allowed), Parquet, JSON or JSON lines.
    mapping
        A preset (:func:`~accord.data.sources.get_preset`) or a loaded mapping YAML.
    timezone
        The workspace's zone: naive timestamps in the file are read in it (unless the
        mapping's ``read.timezone`` says otherwise); all are stored as UTC.
    actor
        Who loads (recorded in ``_accord_loads``).
    progress
        Called with the share done (0-100) while the load runs.

    Raises
    ------
    FileRejected
        The file is wrong as a whole (empty, binary, a required column missing ...);
        nothing was loaded.
    StoreError
        The warehouse is not DuckDB, or the load failed inside it (nothing was loaded).
    """
    path = Path(path)
    _check_timezone(timezone)
    con = _duckdb(warehouse)
    ensure_warehouse_schema(warehouse)
    started, clock = utc_now(), time.perf_counter()
    load_id = _new_load_id(started)
    meter = Meter(con, progress)
    hashed: list[str] = []
    hasher = threading.Thread(target=sha256_file, args=(path, hashed), daemon=True)
    zone = mapping.read.timezone or timezone
    try:
        shape = sniff(path, mapping.read, _expected(mapping))
        hasher.start()
        with TemporaryDirectory(prefix="accord-load-") as workdir, load_session(con, zone):
            try:
                stage = _stage(con, path, shape, mapping, meter, workdir)
                # rowids now number the staged rows; the writes need no order
                con.execute("SET preserve_insertion_order = false")
                con.execute("BEGIN TRANSACTION")
            except BaseException:
                drop_stage(con)
                raise
            try:
                counts, skipped = _run(con, path, stage, shape, mapping, meter, load_id)
                hasher.join()
                report = finish_load(
                    con,
                    path,
                    mapping,
                    load_id,
                    started,
                    clock,
                    actor,
                    stage,
                    skipped,
                    counts,
                    hashed[0] if hashed else "",
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                drop_stage(con)
    except FileRejected as exc:
        if hasher.is_alive():
            hasher.join()
        record_rejection(con, path, mapping, load_id, started, clock, actor, exc, hashed)
        raise
    meter.report(100.0, f"Loaded {path.name}")
    return report


def _duckdb(warehouse: Warehouse) -> duckdb.DuckDBPyConnection:
    if not warehouse.is_duckdb:
        raise StoreError(
            f"Loading files needs the DuckDB warehouse for now; {warehouse.url} is "
            f"{warehouse.backend.name}.",
            hint="Load into a DuckDB workspace, then copy the canonical tables to the other "
            "backend with Ibis (ibis.to_sql / backend.create_table).",
        )
    if warehouse.read_only:
        raise StoreError(
            f"The warehouse {warehouse.url} is open read-only; loading writes to it.",
            hint="Open it for writing (the default), and stop any process that holds it.",
        )
    return warehouse.duckdb


def _stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    shape: FileShape,
    mapping: MappingSpec,
    meter: Meter,
    workdir: str,
) -> Stage:
    if shape.format == "csv":  # refuse before reading a large file when the header is wrong
        for target in mapping.targets:
            plan_target(mapping, target, shape.headers, path=path, delimiter=shape.delimiter)
    with meter.phase(0.0, 60.0, f"Reading {path.name}"):
        try:
            return stage_file(con, path, shape, Path(workdir))
        except (FileRejected, StoreError):
            raise
        except Exception as exc:  # DuckDB reports unreadable files with several types
            raise FileRejected(
                f"could not be read as {shape.format}: {str(exc).strip().splitlines()[0]}",
                path=str(path),
                hint="Check the file is complete; re-export it as CSV UTF-8 if it is not.",
            ) from exc


def _run(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    stage: Stage,
    shape: FileShape,
    mapping: MappingSpec,
    meter: Meter,
    load_id: str,
) -> tuple[dict[str, TableCounts], int]:
    plans: list[TargetPlan] = [
        plan_target(mapping, t, stage.headers, path=path, delimiter=shape.delimiter)
        for t in mapping.targets
    ]
    skipped = _count(con, f"SELECT count(*) FROM {STAGE} WHERE {skip_sql(mapping, stage.headers)}")
    counts: dict[str, TableCounts] = {}
    step = 35.0 / max(len(plans), 1)
    for i, plan in enumerate(plans):
        name = plan.table.name
        with meter.phase(60.0 + i * step, 60.0 + (i + 1) * step, f"Checking {name}"):
            result = write_target(
                con,
                plan,
                stage,
                date_format=mapping.read.date_format,
                load_id=load_id,
                file=str(path),
                loaded_at=utc_now(),
            )
        previous = counts.get(name, TableCounts())
        counts[name] = TableCounts(
            *(a + b for a, b in zip(_tuple(previous), _tuple(result), strict=True))
        )
    quarantine_rejects(con, stage, load_id=load_id, file=str(path))
    return counts, skipped


def _tuple(counts: TableCounts) -> tuple[int, int, int, int, int]:
    return (counts.rows, counts.inserted, counts.updated, counts.unchanged, counts.quarantined)


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def load_files(
    warehouse: Warehouse,
    paths: Sequence[Path],
    *,
    mapping: MappingSpec,
    timezone: str = "UTC",
    actor: str | None = None,
    progress: Progress | None = None,
) -> list[LoadReport]:
    """Load several files with one mapping, each in its own transaction, in order.

    A rejected file raises :class:`~accord.errors.FileRejected`; the files before it stay
    loaded (each load is atomic on its own).
    """
    return [
        load_file(warehouse, p, mapping=mapping, timezone=timezone, actor=actor, progress=progress)
        for p in paths
    ]
