"""Uploads run as background jobs inside the server, one at a time, with progress.

The request saves the file under the workspace's ``.uploads/`` folder and returns at
once with a job id; one worker thread loads the jobs in order through the server's
writer (:class:`~accord.web.warehouse.WarehouseHost`), reporting the share done, which
the Data page polls. The file is deleted after its load; the load itself is recorded in
the warehouse (``_accord_loads``) and in the audit log, under the person who uploaded it.
"""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from accord.data.load import LoadReport, load_file
from accord.data.sources import MappingSpec
from accord.data.state import StateStore
from accord.data.state.audit import record_change
from accord.data.state.models import utcnow
from accord.errors import AccordError, InputError, NotFound
from accord.web.warehouse import WarehouseHost

__all__ = ["UploadJob", "UploadJobs", "safe_filename"]

JobStatus = Literal["queued", "running", "done", "failed"]
UPLOAD_FOLDER = ".uploads"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class UploadJob:
    """One upload and where its load is."""

    id: str
    user: str
    filename: str
    preset: str
    size: int
    status: JobStatus
    created_at: datetime
    percent: float = 0.0
    stage: str = "waiting for the loader"
    report: LoadReport | None = None
    error: str | None = None
    hint: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the job is done or failed."""
        return self.status in ("done", "failed")


def safe_filename(name: str | None) -> str:
    """A file name without folders or odd characters (``upload.csv`` if nothing is left)."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")[:120]
    return cleaned or "upload.csv"


@dataclass
class UploadJobs:
    """The upload queue of one server.

    Parameters
    ----------
    host
        The warehouse the jobs write to.
    state
        Where each load is audit-logged.
    folder
        Where uploaded files wait for their load.
    timezone
        The workspace's time zone (naive timestamps in files).
    on_change
        Called after each load (the server drops cached results).
    """

    host: WarehouseHost
    state: StateStore
    folder: Path
    timezone: str
    on_change: Callable[[], None] = lambda: None
    keep: int = 200
    _jobs: OrderedDict[str, UploadJob] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="accord-upload")
    )

    def submit(
        self, *, user: str, filename: str, stream: BinaryIO, mapping: MappingSpec, max_bytes: int
    ) -> UploadJob:
        """Save *stream* and queue its load; return the queued job.

        Raises
        ------
        InputError
            The file is empty or larger than *max_bytes*.
        """
        job_id = uuid.uuid4().hex[:16]
        folder = self.folder / job_id
        folder.mkdir(parents=True, exist_ok=False)
        path = folder / safe_filename(filename)
        try:
            size = _save(stream, path, max_bytes)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        job = UploadJob(
            id=job_id,
            user=user,
            filename=path.name,
            preset=mapping.name,
            size=size,
            status="queued",
            created_at=utcnow(),
        )
        self._put(job)
        self._executor.submit(self._run, job_id, path, mapping)
        return job

    def get(self, job_id: str) -> UploadJob:
        """The job *job_id* (:class:`~accord.errors.NotFound` if unknown)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"No upload job {job_id!r}.", hint="Jobs are kept until a restart.")
        return job

    def recent(self) -> list[UploadJob]:
        """Jobs newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def _put(self, job: UploadJob) -> None:
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                self._jobs.popitem(last=False)

    def _update(self, job_id: str, **changes: object) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = replace(job, **changes)  # type: ignore[arg-type]

    def _run(self, job_id: str, path: Path, mapping: MappingSpec) -> None:
        job = self.get(job_id)
        self._update(job_id, status="running", stage="starting")

        def progress(*, completed: float, total: float, description: str) -> None:
            share = 100.0 * completed / total if total else 0.0
            self._update(job_id, percent=round(min(share, 99.0), 1), stage=description)

        try:
            with self.host.writer() as wh:
                report = load_file(
                    wh,
                    path,
                    mapping=mapping,
                    timezone=self.timezone,
                    actor=job.user,
                    progress=progress,
                )
            self._audit(job, report)
            self._update(job_id, status="done", percent=100.0, stage="loaded", report=report)
        except AccordError as exc:
            self._update(job_id, status="failed", stage="failed", error=exc.message, hint=exc.hint)
        except Exception as exc:  # a bug: keep the server up, say so on the page
            self._update(
                job_id,
                status="failed",
                stage="failed",
                error=f"Internal error while loading ({type(exc).__name__}).",
                hint="The server log has the details; please report it.",
            )
            raise
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
            self.on_change()

    def _audit(self, job: UploadJob, report: LoadReport) -> None:
        with self.state.session() as session:
            record_change(
                session,
                actor=job.user,
                action="data.load",
                entity=f"load:{report.load_id}",
                after={
                    "file": job.filename,
                    "preset": job.preset,
                    "rows_read": report.rows_read,
                    "inserted": report.inserted,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "quarantined": report.quarantined,
                },
            )

    def close(self) -> None:
        """Finish the running load, drop queued ones, remove waiting files."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def _save(stream: BinaryIO, path: Path, max_bytes: int) -> int:
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise InputError(
                    f"The file is larger than {max_bytes // (1 << 20)} MB.",
                    hint="Load it with `accord load` on the server (stop the server first), "
                    "or raise ACCORD_MAX_UPLOAD_MB.",
                )
            out.write(chunk)
    if size == 0:
        raise InputError("The file is empty.", hint="Choose the exported file again.")
    return size
