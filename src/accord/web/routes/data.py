"""The Data page: tables, loads, quarantine with reasons, and uploads (page and API).

An upload is queued as a background job inside the server (which owns the DuckDB
writer) and answered at once; the page polls the job with HTMX until it is done.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from accord.data.sources import MappingSpec, get_preset
from accord.data.warehouse import Warehouse
from accord.errors import InputError, NotFound
from accord.web.deps import DataViewer, RuntimeDep, Uploader, WarehouseDep
from accord.web.listing import CSV_RESPONSE, Listing, ListingDep, download_response
from accord.web.models import (
    LoadPublic,
    Page,
    PresetPublic,
    QuarantineRowPublic,
    TableCountPublic,
    UploadJobPublic,
)
from accord.web.pages import render
from accord.web.permissions import Action, allows
from accord.web.runtime import Runtime
from accord.web.services import data as service
from accord.web.uploads import UploadJob

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["data"])

LoadFilter = Annotated[str | None, Query(max_length=64, description="Only this load id.")]
TableFilter = Annotated[str | None, Query(max_length=64, description="Only this table.")]


def _mapping(preset: str) -> MappingSpec:
    try:
        return get_preset(preset)
    except NotFound as exc:
        raise InputError(exc.message, hint=exc.hint) from exc


def _submit(runtime: RuntimeDep, user: str, file: UploadFile, preset: str) -> UploadJob:
    return runtime.uploads.submit(
        user=user,
        filename=file.filename or "upload.csv",
        stream=file.file,
        mapping=_mapping(preset),
        max_bytes=runtime.settings.max_upload_mb << 20,
    )


def _quarantine(
    runtime: Runtime,
    warehouse: Warehouse,
    listing: Listing,
    show_pii: bool,
    load: str | None,
    table: str | None,
) -> Page[QuarantineRowPublic]:
    """One page of the quarantine (cached until the data changes)."""
    return runtime.cached(
        ("quarantine", listing.offset, listing.limit, show_pii, load, table),
        lambda: service.list_quarantine(
            warehouse,
            offset=listing.offset,
            limit=listing.limit,
            show_pii=show_pii,
            load_id=load,
            table=table,
        ),
    )


# ---------------------------------------------------------------- pages
@pages.get("/data")
def data_page(
    request: Request, user: DataViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> Response:
    """Tables, recent loads, the quarantine count, and the upload form."""
    size = runtime.settings.page_size
    tables = runtime.cached("tables", lambda: service.table_counts(warehouse))
    counts = runtime.cached("quarantine-counts", lambda: service.quarantine_counts(warehouse))
    loads = runtime.cached(
        ("loads", 0, size), lambda: service.list_loads(warehouse, offset=0, limit=size)
    )
    may_upload = allows(user, Action.UPLOAD_DATA)
    return render(
        request,
        "data.html",
        user=user,
        tables=tables,
        loads=loads,
        quarantine=counts,
        presets=service.presets() if may_upload else [],
        jobs=[UploadJobPublic.of(j) for j in runtime.uploads.recent()[:5]] if may_upload else [],
    )


@pages.get("/data/quarantine")
def quarantine_page(
    request: Request,
    user: DataViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    load: LoadFilter = None,
    table: TableFilter = None,
) -> Response:
    """Quarantined rows with file, row, column and reason (masked without view_pii)."""
    rows = _quarantine(runtime, warehouse, listing, allows(user, Action.VIEW_PII), load, table)
    return render(
        request, "quarantine.html", user=user, rows=rows, load=load, table=table,
        masked=not allows(user, Action.VIEW_PII),
    )  # fmt: skip


@pages.post("/data/uploads")
def upload_page(
    request: Request,
    user: Uploader,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="The exported file.")],
    preset: Annotated[str, Form(max_length=64)],
) -> Response:
    """Queue the upload; HTMX gets the progress fragment, a plain form a redirect."""
    job = _submit(runtime, user.name, file, preset)
    if request.headers.get("hx-request"):
        return render(request, "_upload_job.html", user=user, job=UploadJobPublic.of(job))
    return RedirectResponse(f"/data/uploads/{job.id}", status_code=303)


@pages.get("/data/uploads/{job_id}")
def upload_job_page(request: Request, user: Uploader, runtime: RuntimeDep, job_id: str) -> Response:
    """Where an upload is (a fragment for HTMX polling, else a page)."""
    job = UploadJobPublic.of(runtime.uploads.get(job_id))
    template = "_upload_job.html" if request.headers.get("hx-request") else "upload_job.html"
    return render(request, template, user=user, job=job)


# ---------------------------------------------------------------- API
@api.get("/tables", response_model=Page[TableCountPublic], responses=CSV_RESPONSE)
def tables(
    user: DataViewer, runtime: RuntimeDep, warehouse: WarehouseDep, listing: ListingDep
) -> Page[TableCountPublic] | Response:
    """Rows in each canonical table."""
    items = runtime.cached("tables", lambda: service.table_counts(warehouse))
    if listing.download:
        return download_response(listing, items, "accord-tables.csv", ["table", "rows"])
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


@api.get("/loads", response_model=Page[LoadPublic], responses=CSV_RESPONSE)
def loads(
    user: DataViewer, runtime: RuntimeDep, warehouse: WarehouseDep, listing: ListingDep
) -> Page[LoadPublic] | Response:
    """Loads, newest first, with what each did."""
    if listing.download:
        everything = service.list_loads(warehouse, offset=0, limit=None)
        return download_response(
            listing, everything.items, "accord-loads.csv", list(LoadPublic.model_fields)
        )
    return runtime.cached(
        ("loads", listing.offset, listing.limit),
        lambda: service.list_loads(warehouse, offset=listing.offset, limit=listing.limit),
    )


@api.get("/quarantine", response_model=Page[QuarantineRowPublic], responses=CSV_RESPONSE)
def quarantine(
    user: DataViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    load: LoadFilter = None,
    table: TableFilter = None,
) -> Page[QuarantineRowPublic] | Response:
    """Quarantined problems: file, row, table, column, value, reason and the raw record.

    Emails, phones and names are masked unless the caller may view personal data.
    """
    show = allows(user, Action.VIEW_PII)
    if listing.download:
        everything = service.list_quarantine(
            warehouse, offset=0, limit=None, show_pii=show, load_id=load, table=table
        )
        columns = list(QuarantineRowPublic.model_fields)
        return download_response(listing, everything.items, "accord-quarantine.csv", columns)
    return _quarantine(runtime, warehouse, listing, show, load, table)


@api.get("/presets", response_model=list[PresetPublic])
def presets(user: DataViewer) -> list[PresetPublic]:
    """The presets an upload can use."""
    return service.presets()


@api.post("/uploads", response_model=UploadJobPublic, status_code=202)
def upload(
    user: Uploader,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="The exported file.")],
    preset: Annotated[str, Form(max_length=64, description="A preset name (GET /presets).")],
) -> UploadJobPublic:
    """Queue a file for loading; poll ``GET /uploads/{id}`` until ``done`` or ``failed``."""
    return UploadJobPublic.of(_submit(runtime, user.name, file, preset))


@api.get("/uploads", response_model=list[UploadJobPublic])
def upload_jobs(user: Uploader, runtime: RuntimeDep) -> list[UploadJobPublic]:
    """Upload jobs since the server started, newest first."""
    return [UploadJobPublic.of(j) for j in runtime.uploads.recent()]


@api.get("/uploads/{job_id}", response_model=UploadJobPublic)
def upload_job(user: Uploader, runtime: RuntimeDep, job_id: str) -> UploadJobPublic:
    """Where an upload is: queued, running (percent), done (counts) or failed (why)."""
    return UploadJobPublic.of(runtime.uploads.get(job_id))
