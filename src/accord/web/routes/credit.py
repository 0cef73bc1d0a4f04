"""The Credit page: attribution model comparison, team credit, sourced vs influenced
(page and API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.data.warehouse import Warehouse
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import grouped_bars
from accord.web.deps import CreditViewer, RuntimeDep, WarehouseDep
from accord.web.listing import CSV_RESPONSE, ListingDep
from accord.web.models import Page
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.credit import TABLES, credit_view
from accord.web.services.reports import View

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/credit", tags=["credit"])

CreditTable = table_enum("CreditTable", TABLES)


def current(runtime: Runtime, warehouse: Warehouse) -> View:
    """The page's tables, cached until the data or the definitions change."""
    return runtime.cached("credit-view", lambda: credit_view(runtime.definitions, warehouse))


def _charts(view: View) -> dict[str, dict[str, Any]]:
    charts: dict[str, dict[str, Any]] = {}
    models = view.get("models")
    if models is not None and models.rows:
        by = models.columns[0]
        charts["models"] = grouped_bars(
            models.rows, x=by, y="share", group="model", y_title="share of conversions",
            description=f"Share of conversions credited to each {by} under each model",
        )  # fmt: skip
    teams = view.get("teams")
    if teams is not None and teams.rows:
        long = [
            {"team": r["team"], "measure": measure, "conversions": r[measure]}
            for r in teams.rows
            for measure in ("credit", "sourced", "influenced")
        ]
        charts["teams"] = grouped_bars(
            long, x="team", y="conversions", group="measure", y_title="conversions",
            description="Each team's model credit, sourced and influenced conversions "
            "(sourced and influenced overlap: never add them)",
        )  # fmt: skip
    return charts


@pages.get("/credit")
def credit_page(
    request: Request, user: CreditViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> Response:
    """Models side by side, team credit, sourced vs influenced."""
    view = current(runtime, warehouse)
    charts = runtime.cached("credit-charts", lambda: _charts(view))
    return render(request, "credit.html", user=user, view=view, charts=charts)


@api.get("", response_model=ViewPublic)
def credit(user: CreditViewer, runtime: RuntimeDep, warehouse: WarehouseDep) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, and any problem."""
    return ViewPublic.of(current(runtime, warehouse))


@api.get("/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def credit_table(
    table: CreditTable,  # type: ignore[valid-type]
    user: CreditViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page."""
    name = str(table.value)  # type: ignore[attr-defined]
    view = current(runtime, warehouse)
    return table_response(view.table(name), listing, f"accord-credit-{name}.csv")
