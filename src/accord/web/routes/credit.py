"""The Credit page: attribution model comparison, team credit, sourced vs influenced
(page and API).

Page and API take the same filters (:func:`credit_filters`): the conversions' period
(``from``/``to`` or ``preset``, see :mod:`accord.web.filters`), ``level``,
``conversion``, ``by`` and ``model``, the options of ``accord attribution``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from accord.data.warehouse import Warehouse
from accord.engines.attribution import MODELS
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import grouped_bars
from accord.web.deps import CreditViewer, RuntimeDep, WarehouseDep
from accord.web.filters import (
    FilterForm,
    Period,
    PeriodDep,
    Select,
    choice,
    newest_day,
    options,
    query_string,
)
from accord.web.listing import CSV_RESPONSE, ListingDep
from accord.web.models import Page
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.credit import BY, CONVERSIONS, LEVELS, TABLES, CreditArgs, credit_view
from accord.web.services.reports import View
from accord.workflows.attribution import parse_models

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/credit", tags=["credit"])

CreditTable = table_enum("CreditTable", TABLES)


@dataclass(frozen=True, slots=True)
class CreditFilters:
    """The filters asked for: the period (presets unresolved) and the other options."""

    period: Period
    args: CreditArgs

    def query(self) -> str:
        """``?...`` asking for the same filters."""
        a = self.args
        defaults = CreditArgs()
        return query_string([*self.period.query(),
                             ("level", a.level if a.level != defaults.level else None),
                             ("conversion", a.conversion),
                             ("by", a.by if a.by != defaults.by else None),
                             ("model", ",".join(a.models))])  # fmt: skip


def credit_filters(
    period: PeriodDep,
    level: Annotated[
        str | None, Query(max_length=40, description="Journeys of a person or an account.")
    ] = None,
    conversion: Annotated[
        str | None,
        Query(
            max_length=40,
            description=f"Event credited: {', '.join(CONVERSIONS)} "
            "(default: the attribution definition's).",
        ),
    ] = None,
    by: Annotated[
        str | None, Query(max_length=40, description="Credit channels, campaigns or teams.")
    ] = None,
    model: Annotated[
        list[str] | None,
        Query(
            description="Models compared with the one in force "
            "(repeatable or a comma list; default all)."
        ),
    ] = None,
) -> CreditFilters:
    """The page's filters from the query string (a bad value: 422)."""
    args = CreditArgs(
        level=cast(Any, choice(level, "level", LEVELS) or "person"),
        conversion=cast(Any, choice(conversion, "conversion", CONVERSIONS)),
        by=cast(Any, choice(by, "by", BY) or "channel"),
        models=parse_models(model or ()),
    )
    return CreditFilters(period, args)


FiltersDep = Annotated[CreditFilters, Depends(credit_filters)]


def resolve(runtime: Runtime, warehouse: Warehouse, filters: CreditFilters) -> CreditArgs:
    """The options with the period's days resolved (a preset against the newest data)."""
    if not filters.period.given:
        return filters.args
    start, end = filters.period.days(newest_day(runtime, warehouse))
    return replace(filters.args, start=start, end=end)


def current(runtime: Runtime, warehouse: Warehouse, args: CreditArgs) -> View:
    """The page's tables for *args*, cached until the data or the definitions change."""
    return runtime.cached(
        ("credit-view", args.key()), lambda: credit_view(runtime.definitions, warehouse, args)
    )


def _form(filters: CreditFilters, newest: dt.date) -> FilterForm:
    a = filters.args
    return FilterForm(
        action="/credit",
        period=filters.period,
        selects=(
            Select("conversion", "Conversion", options(CONVERSIONS, "the definition's"),
                   a.conversion),
            Select("level", "Journeys", (("", "person"), ("account", "account")),
                   a.level if a.level != "person" else None),
            Select("by", "Credit", (("", "channel"), ("campaign", "campaign"), ("team", "team")),
                   a.by if a.by != "channel" else None),
            Select("model", "Compare", options(MODELS, "every model"),
                   a.models[0] if len(a.models) == 1 else None),
        ),
        newest=newest,
        query=filters.query(),
    )  # fmt: skip


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
    request: Request,
    user: CreditViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    filters: FiltersDep,
) -> Response:
    """Models side by side, team credit, sourced vs influenced."""
    args = resolve(runtime, warehouse, filters)
    view = current(runtime, warehouse, args)
    charts = runtime.cached(("credit-charts", args.key()), lambda: _charts(view))
    return render(
        request, "credit.html", user=user, view=view, charts=charts,
        form=_form(filters, newest_day(runtime, warehouse)), qs=filters.query(),
    )  # fmt: skip


@api.get("", response_model=ViewPublic)
def credit(
    user: CreditViewer, runtime: RuntimeDep, warehouse: WarehouseDep, filters: FiltersDep
) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, the parameters
    and any problem, for the filters given."""
    return ViewPublic.of(current(runtime, warehouse, resolve(runtime, warehouse, filters)))


@api.get("/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def credit_table(
    table: CreditTable,  # type: ignore[valid-type]
    user: CreditViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    filters: FiltersDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page, for the filters given."""
    name = str(table.value)  # type: ignore[attr-defined]
    view = current(runtime, warehouse, resolve(runtime, warehouse, filters))
    return table_response(view.table(name), listing, f"accord-credit-{name}.csv")
