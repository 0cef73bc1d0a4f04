"""The Funnel & SLA page: the funnel chart, the funnel over time, both sides of the SLA,
the breach list (a rep's own first) and lead feedback by source (page and API).

Page and API take the same filters (:func:`funnel_filters`): the period (``from``/``to``
or ``preset``, see :mod:`accord.web.filters`), ``by``, ``grain``, ``sla_period`` and
``business_hours``, the options of ``accord funnel`` and ``accord sla``, and ``team``,
which narrows the sales side (per-rep compliance, breaches) to one team's reps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.errors import InputError
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import funnel_chart, funnel_over_time_chart
from accord.web.deps import FunnelViewer, RuntimeDep, WarehouseDep
from accord.web.filters import (
    Check,
    FilterForm,
    Period,
    PeriodDep,
    Select,
    choice,
    flag,
    newest_day,
    options,
    query_string,
)
from accord.web.listing import CSV_RESPONSE, ListingDep
from accord.web.models import Page
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.funnel import (
    BY,
    GRAINS,
    SLA_PERIODS,
    TABLES,
    FunnelArgs,
    for_team,
    for_user,
    funnel_view,
    funnel_window,
    mine,
    teams_of,
)
from accord.web.services.reports import View

__all__ = ["api", "funnel_filters", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/funnel", tags=["funnel"])

FunnelTable = table_enum("FunnelTable", TABLES)


@dataclass(frozen=True, slots=True)
class FunnelFilters:
    """The filters asked for: the period (presets unresolved) and the other options."""

    period: Period
    args: FunnelArgs
    team: str | None = None

    def query(self) -> str:
        """``?...`` asking for the same filters."""
        a = self.args
        return query_string([*self.period.query(), ("by", a.by), ("grain", a.grain),
                             ("sla_period", a.sla_period),
                             ("business_hours", "true" if a.business_hours else None),
                             ("team", self.team)])  # fmt: skip


def funnel_filters(
    period: PeriodDep,
    by: Annotated[
        str | None, Query(max_length=40, description=f"Split by: {', '.join(BY)}.")
    ] = None,
    grain: Annotated[
        str | None, Query(max_length=40, description="Funnel by period: week or month.")
    ] = None,
    sla_period: Annotated[
        str | None,
        Query(max_length=40, description="Marketing's SLA period: week, month or quarter."),
    ] = None,
    business_hours: Annotated[
        str | None,
        Query(max_length=10, description="true: SLA clocks on working days only."),
    ] = None,
    team: Annotated[
        str | None,
        Query(
            max_length=120,
            description="Sales' side for one team's reps only (a team of the per-team "
            "compliance table, from the owners table).",
        ),
    ] = None,
) -> FunnelFilters:
    """The page's filters from the query string (a bad value: 422)."""
    args = FunnelArgs(
        by=choice(by, "by", BY),
        grain=cast(Any, choice(grain, "grain", GRAINS)),
        sla_period=cast(Any, choice(sla_period, "sla_period", SLA_PERIODS)),
        business_hours=flag(business_hours, "business_hours"),
    )
    return FunnelFilters(period, args, (team or "").strip() or None)


FiltersDep = Annotated[FunnelFilters, Depends(funnel_filters)]


def resolve(runtime: Runtime, warehouse: Warehouse, filters: FunnelFilters) -> FunnelArgs:
    """The options with the period's days resolved (a preset against the newest data).

    Raises
    ------
    InputError
        The window is empty (e.g. ``from`` after the default window's end).
    """
    if not filters.period.given:
        return filters.args
    from dataclasses import replace

    newest = newest_day(runtime, warehouse)
    start, end = filters.period.days(newest)
    args = replace(filters.args, start=start, end=end)
    first, after = funnel_window(args, dt.datetime.combine(newest, dt.time()))
    if first >= after:
        raise InputError(
            f"The window {first:%Y-%m-%d} to {after - dt.timedelta(days=1):%Y-%m-%d} is empty.",
            hint="Give both `from` and `to`, `from` on or before `to`.",
        )
    return args


def current(
    runtime: Runtime, warehouse: Warehouse, args: FunnelArgs, team: str | None = None
) -> View:
    """The page's tables for *args* (the sales side for *team* alone when given), cached
    until the data or the definitions change.

    Raises
    ------
    InputError
        *team* has no hand-offs in the window.
    """
    view: View = runtime.cached(
        ("funnel-view", args.key()),
        lambda: funnel_view(runtime.workspace, runtime.definitions, warehouse, args),
    )
    if team is None:
        return view
    return runtime.cached(("funnel-view", args.key(), None, team), lambda: for_team(view, team))


def current_for(
    runtime: Runtime,
    warehouse: Warehouse,
    user: UserRecord,
    args: FunnelArgs,
    team: str | None = None,
) -> View:
    """:func:`current` with *user*'s breaches first (kept per user and team, like the
    page)."""
    view = current(runtime, warehouse, args, team)
    key = ("funnel-view", args.key(), user.name, team)
    return runtime.cached(key, lambda: for_user(view, user))


def _summed(rows: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """``entered`` summed over groups (and periods) per *keys*, in first-seen order."""
    totals: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in rows:
        totals[tuple(r.get(k) for k in keys)] += int(r.get("entered") or 0)
    return [{**dict(zip(keys, k, strict=True)), "entered": n} for k, n in totals.items()]


def _charts(view: View, grain: str | None = None) -> dict[str, dict[str, Any]]:
    charts: dict[str, dict[str, Any]] = {}
    stages = view.get("stages")
    if stages is not None and stages.rows:
        charts["funnel"] = funnel_chart(_summed(stages.rows, ("stage",)))
    over = view.get("over_time")
    if over is not None and over.rows:
        charts["over_time"] = funnel_over_time_chart(_summed(over.rows, ("period_start", "stage")))
    return charts


def _form(filters: FunnelFilters, newest: dt.date | None, teams: tuple[str, ...]) -> FilterForm:
    a = filters.args
    selects = [
        Select("by", "Split by", options(BY, "nothing"), a.by),
        Select("grain", "Over time", options(GRAINS, "whole window"), a.grain),
        Select("sla_period", "SLA period", options(SLA_PERIODS, "the SLA's"), a.sla_period),
    ]
    if teams:  # only when the owners table gives reps their teams
        team_options = (("", "every team"), *((t, t) for t in teams))
        selects.append(Select("team", "Team", team_options, filters.team))
    return FilterForm(
        action="/funnel",
        period=filters.period,
        selects=tuple(selects),
        checks=(Check("business_hours", "Business hours", a.business_hours),),
        newest=newest,
        query=filters.query(),
    )


@pages.get("/funnel")
def funnel_page(
    request: Request,
    user: FunnelViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    filters: FiltersDep,
) -> Response:
    """The funnel, both sides of the SLA, the breaches (the caller's own first), feedback."""
    args = resolve(runtime, warehouse, filters)
    view = current_for(runtime, warehouse, user, args, filters.team)
    charts = runtime.cached(("funnel-charts", args.key()), lambda: _charts(view, args.grain))
    teams = teams_of(current(runtime, warehouse, args))
    return render(
        request, "funnel.html", user=user, view=view, charts=charts,
        mine=lambda row: mine(user, row.get("owner")),
        form=_form(filters, newest_day(runtime, warehouse), teams), qs=filters.query(),
    )  # fmt: skip


@api.get("", response_model=ViewPublic)
def funnel(
    user: FunnelViewer, runtime: RuntimeDep, warehouse: WarehouseDep, filters: FiltersDep
) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, the parameters
    (windows, splits, team) and any problem, for the filters given."""
    args = resolve(runtime, warehouse, filters)
    return ViewPublic.of(current(runtime, warehouse, args, filters.team))


@api.get("/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def funnel_table(
    table: FunnelTable,  # type: ignore[valid-type]
    user: FunnelViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    filters: FiltersDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page for the filters given; ``sla_breaches`` lists the caller's
    own breaches first."""
    args = resolve(runtime, warehouse, filters)
    view = current_for(runtime, warehouse, user, args, filters.team)
    name = str(table.value)  # type: ignore[attr-defined]
    return table_response(view.table(name), listing, f"accord-funnel-{name}.csv")
