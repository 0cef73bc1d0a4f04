"""The Funnel & SLA page: the funnel chart, the funnel over time, both sides of the SLA,
the breach list (a rep's own first) and lead feedback by source (page and API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import funnel_chart, funnel_over_time_chart
from accord.web.deps import FunnelViewer, RuntimeDep, WarehouseDep
from accord.web.listing import CSV_RESPONSE, ListingDep
from accord.web.models import Page
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.funnel import TABLES, for_user, funnel_view, mine
from accord.web.services.reports import View

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/funnel", tags=["funnel"])

FunnelTable = table_enum("FunnelTable", TABLES)


def current(runtime: Runtime, warehouse: Warehouse) -> View:
    """The page's tables, cached until the data or the definitions change."""
    return runtime.cached(
        "funnel-view", lambda: funnel_view(runtime.workspace, runtime.definitions, warehouse)
    )


def current_for(runtime: Runtime, warehouse: Warehouse, user: UserRecord) -> View:
    """The page's tables with *user*'s breaches first (kept per user, like the page)."""
    version = runtime.version()
    view = runtime.cache.get(
        "funnel-view",
        version,
        lambda: funnel_view(runtime.workspace, runtime.definitions, warehouse),
    )
    return runtime.cache.get(("funnel-view", user.name), version, lambda: for_user(view, user))


def _charts(view: View) -> dict[str, dict[str, Any]]:
    charts: dict[str, dict[str, Any]] = {}
    stages = view.get("stages")
    if stages is not None and stages.rows:
        charts["funnel"] = funnel_chart([r for r in stages.rows if r.get("group") == "all"])
    over = view.get("over_time")
    if over is not None and over.rows:
        charts["over_time"] = funnel_over_time_chart(
            [r for r in over.rows if r.get("group") == "all"]
        )
    return charts


@pages.get("/funnel")
def funnel_page(
    request: Request, user: FunnelViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> Response:
    """The funnel, both sides of the SLA, the breaches (the caller's own first), feedback."""
    view = current_for(runtime, warehouse, user)
    charts = runtime.cached("funnel-charts", lambda: _charts(view))
    return render(
        request, "funnel.html", user=user, view=view, charts=charts,
        mine=lambda row: mine(user, row.get("owner")),
    )  # fmt: skip


@api.get("", response_model=ViewPublic)
def funnel(user: FunnelViewer, runtime: RuntimeDep, warehouse: WarehouseDep) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, and any problem."""
    return ViewPublic.of(current(runtime, warehouse))


@api.get("/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def funnel_table(
    table: FunnelTable,  # type: ignore[valid-type]
    user: FunnelViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page; ``sla_breaches`` lists the caller's own breaches first."""
    view = current_for(runtime, warehouse, user)
    name = str(table.value)  # type: ignore[attr-defined]
    return table_response(view.table(name), listing, f"accord-funnel-{name}.csv")
