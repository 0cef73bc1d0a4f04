"""The shared scorecard: goals, shared metrics, pending signatures (page and API)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.data.warehouse import Warehouse
from accord.web.charts import goal_chart, sparkline
from accord.web.deps import RuntimeDep, ScorecardViewer, WarehouseDep
from accord.web.listing import CSV_RESPONSE, ListingDep, download_response
from accord.web.models import CitationPublic, Page, PointPublic, Public
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.scorecard import GoalCard, MetricCard, Scorecard, build_scorecard

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/scorecard", tags=["scorecard"])


class GoalPublic(Public):
    """A goal with its target, value so far, attainment, pace and status."""

    name: str
    metric: str
    period: str
    owner_team: str
    parent: str | None
    target: float
    value: float | None
    attainment: float | None
    pace: float | None
    status: str
    elapsed: float
    goal_version: CitationPublic
    metric_version: CitationPublic | None
    monthly: list[PointPublic]
    note: str | None

    @classmethod
    def of(cls, g: GoalCard) -> GoalPublic:
        """From the scorecard's goal."""
        p = g.progress
        body = p.definition.body
        return cls(
            name=p.definition.name,
            metric=body.metric,
            period=body.period,
            owner_team=body.owner_team,
            parent=body.parent,
            target=body.target,
            value=p.value,
            attainment=p.assessment.attainment,
            pace=p.assessment.pace,
            status=p.assessment.status,
            elapsed=p.elapsed,
            goal_version=CitationPublic.of(p.goal),
            metric_version=CitationPublic.of(g.metric_citation) if g.metric_citation else None,
            monthly=[PointPublic(period=pt.period, value=pt.value) for pt in g.monthly],
            note=p.note or None,
        )


class MetricPublic(Public):
    """A shared metric: the last complete month, the month before and the trend."""

    name: str
    owners: list[str]
    unit: str
    month: date | None
    value: float | None
    previous: float | None
    version: CitationPublic
    uses: list[CitationPublic]
    trend: list[PointPublic]
    note: str | None

    @classmethod
    def of(cls, m: MetricCard) -> MetricPublic:
        """From the scorecard's metric."""
        return cls(
            name=m.name,
            owners=list(m.owners),
            unit=m.unit,
            month=m.month,
            value=m.value,
            previous=m.previous,
            version=CitationPublic.of(m.citation),
            uses=[CitationPublic.of(c) for c in m.inputs],
            trend=[PointPublic(period=p.period, value=p.value) for p in m.trend],
            note=m.note,
        )


class PendingPublic(Public):
    """A proposed definition version waiting for signatures."""

    name: str
    kind: str
    version: int
    awaiting: list[str]


class ScorecardPublic(Public):
    """The whole scorecard."""

    as_of: date | None
    goals: list[GoalPublic]
    metrics: list[MetricPublic]
    pending: list[PendingPublic]


def current_scorecard(runtime: Runtime, warehouse: Warehouse) -> Scorecard:
    """The scorecard, cached until data or definitions change (kept warm in the server)."""
    return runtime.cached("scorecard", lambda: build_scorecard(runtime.definitions, warehouse))


@pages.get("/")
def scorecard_page(
    request: Request, user: ScorecardViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> Response:
    """The shared scorecard."""
    card = current_scorecard(runtime, warehouse)
    charts, sparks = runtime.cached(
        "scorecard-charts",
        lambda: (
            {g.name: goal_chart(g) for g in card.goals if g.monthly},
            {m.name: sparkline(m.trend) for m in card.metrics},
        ),
    )
    return render(request, "scorecard.html", user=user, card=card, charts=charts, sparks=sparks)


@api.get("", response_model=ScorecardPublic)
def scorecard(
    user: ScorecardViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> ScorecardPublic:
    """Goals, shared metrics and pending signatures, each number citing its definitions."""
    card = current_scorecard(runtime, warehouse)
    return runtime.cached(
        "scorecard-public",
        lambda: ScorecardPublic(
            as_of=card.as_of,
            goals=[GoalPublic.of(g) for g in card.goals],
            metrics=[MetricPublic.of(m) for m in card.metrics],
            pending=[
                PendingPublic(name=p.name, kind=p.kind, version=p.version, awaiting=list(p.teams))
                for p in card.pending
            ],
        ),
    )


@api.get("/goals", response_model=Page[GoalPublic], responses=CSV_RESPONSE)
def goals(
    user: ScorecardViewer, runtime: RuntimeDep, warehouse: WarehouseDep, listing: ListingDep
) -> Page[GoalPublic] | Response:
    """The goals (CSV: one row per goal)."""
    items = [GoalPublic.of(g) for g in current_scorecard(runtime, warehouse).goals]
    if listing.download:
        return download_response(
            listing, [_flat(g.model_dump(exclude={"monthly"})) for g in items], "accord-goals.csv"
        )
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


@api.get("/metrics", response_model=Page[MetricPublic], responses=CSV_RESPONSE)
def metrics(
    user: ScorecardViewer, runtime: RuntimeDep, warehouse: WarehouseDep, listing: ListingDep
) -> Page[MetricPublic] | Response:
    """The shared metrics (CSV: one row per metric)."""
    items = [MetricPublic.of(m) for m in current_scorecard(runtime, warehouse).metrics]
    if listing.download:
        return download_response(
            listing,
            [_flat(m.model_dump(exclude={"trend", "uses"})) for m in items],
            "accord-metrics.csv",
        )
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


def _flat(data: dict[str, object]) -> dict[str, object]:
    """Citations as ``name vN (signed by team: user, ...)`` for a CSV cell."""
    flat: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, dict) and "version" in value:
            signed = ", ".join(f"{s['team']}: {s['user']}" for s in value["signed_by"])
            flat[key] = f"{value['name']} v{value['version']} (signed by {signed or 'nobody'})"
        elif isinstance(value, list):
            flat[key] = ", ".join(str(v) for v in value)
        else:
            flat[key] = value
    return flat
