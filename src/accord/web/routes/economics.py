"""The Economics page: the budget recommendation and the budget proposals, with approve
and reject for the leads of finance and marketing (page and API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from accord.data.warehouse import Warehouse
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import grouped_bars
from accord.web.deps import BudgetApprover, EconomicsViewer, RuntimeDep, WarehouseDep
from accord.web.listing import CSV_RESPONSE, ListingDep, csv_response
from accord.web.models import Page, Public
from accord.web.pages import render
from accord.web.runtime import Runtime
from accord.web.services.economics import (
    TABLES,
    ProposalPublic,
    economics_view,
    list_proposals,
)
from accord.web.services.reports import View
from accord.workflows import proposals as workflow

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["economics"])

EconomicsTable = table_enum("EconomicsTable", TABLES)
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The proposal's id.")]
Why = Annotated[str, Form(min_length=1, max_length=2000)]


class RejectionIn(Public):
    """Why a proposal is rejected."""

    why: str = Field(min_length=1, max_length=2000)


def current(runtime: Runtime, warehouse: Warehouse) -> View:
    """The page's tables, cached until the data or the definitions change."""
    return runtime.cached("economics-view", lambda: economics_view(runtime.definitions, warehouse))


def _charts(view: View) -> dict[str, dict[str, Any]]:
    charts: dict[str, dict[str, Any]] = {}
    cohorts = view.get("by_cohort")
    if cohorts is not None and cohorts.rows:
        long = [
            {"cohort": r["group"], "measure": label, "amount": r[column]}
            for r in cohorts.rows
            if r["group"] != "all"
            for label, column in (("blended CAC", "blended_cac"), ("LTV", "ltv"))
        ]
        charts["cac_ltv"] = grouped_bars(
            long, x="cohort", y="amount", group="measure", y_title="per customer",
            description="Blended CAC and LTV per new customer, by quarter of acquisition",
        )  # fmt: skip
    rec = view.get("budget_recommendation")
    if rec is not None and rec.rows:
        long = [
            {"channel": r["channel"], "split": label, "spend": r[column]}
            for r in rec.rows
            for label, column in (("now", "spend_before"), ("recommended", "spend_after"))
        ]
        charts["budget"] = grouped_bars(
            long, x="channel", y="spend", group="split", y_title="weekly spend",
            description="Weekly spend per channel: now and recommended",
        )  # fmt: skip
    return charts


@pages.get("/economics")
def economics_page(
    request: Request, user: EconomicsViewer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> Response:
    """The budget recommendation and the proposals (approve/reject for those who may)."""
    view = current(runtime, warehouse)
    charts = runtime.cached("economics-charts", lambda: _charts(view))
    return render(
        request, "economics.html", user=user, view=view, charts=charts,
        proposals=list_proposals(runtime.state),
    )  # fmt: skip


@pages.post("/economics/proposals/{proposal_id}/approve")
def approve_page(user: BudgetApprover, runtime: RuntimeDep, proposal_id: ProposalId) -> Response:
    """Approve a proposal for the caller's team."""
    workflow.approve(runtime.state, proposal_id, user.name)
    return RedirectResponse(f"/economics#proposal-{proposal_id}", status_code=303)


@pages.post("/economics/proposals/{proposal_id}/reject")
def reject_page(
    user: BudgetApprover, runtime: RuntimeDep, proposal_id: ProposalId, why: Why
) -> Response:
    """Reject a proposal, with the reason."""
    workflow.reject(runtime.state, proposal_id, user.name, why=why)
    return RedirectResponse(f"/economics#proposal-{proposal_id}", status_code=303)


@api.get("/economics", response_model=ViewPublic)
def economics(user: EconomicsViewer, runtime: RuntimeDep, warehouse: WarehouseDep) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, and any problem."""
    return ViewPublic.of(current(runtime, warehouse))


@api.get("/economics/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def economics_table(
    table: EconomicsTable,  # type: ignore[valid-type]
    user: EconomicsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page."""
    name = str(table.value)  # type: ignore[attr-defined]
    view = current(runtime, warehouse)
    return table_response(view.table(name), listing, f"accord-economics-{name}.csv")


@api.get("/budget/proposals", response_model=Page[ProposalPublic], responses=CSV_RESPONSE)
def budget_proposals(
    user: EconomicsViewer, runtime: RuntimeDep, listing: ListingDep
) -> Page[ProposalPublic] | Response:
    """Budget proposals, newest first (CSV: one row per proposal, without channels)."""
    items = list_proposals(runtime.state)
    if listing.csv:
        rows = [
            p.model_dump(exclude={"channels", "decisions"})
            | {
                "awaiting": ", ".join(p.awaiting),
                "decisions": "; ".join(
                    f"{d.team}: {d.user} {d.decision}" + (f" ({d.reason})" if d.reason else "")
                    for d in p.decisions
                ),
            }
            for p in items
        ]
        return csv_response(rows, "accord-budget-proposals.csv")
    window = items[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(items), offset=listing.offset, limit=listing.limit)


@api.get("/budget/proposals/{proposal_id}", response_model=ProposalPublic)
def budget_proposal(
    user: EconomicsViewer, runtime: RuntimeDep, proposal_id: ProposalId
) -> ProposalPublic:
    """One proposal: its split per channel, decisions, and the teams it awaits."""
    return ProposalPublic.of(workflow.proposal(runtime.state, proposal_id))


@api.post("/budget/proposals/{proposal_id}/approvals", response_model=ProposalPublic)
def approve(user: BudgetApprover, runtime: RuntimeDep, proposal_id: ProposalId) -> ProposalPublic:
    """Approve for the caller's team (a lead of finance or marketing); approved once both
    teams have."""
    return ProposalPublic.of(workflow.approve(runtime.state, proposal_id, user.name))


@api.post("/budget/proposals/{proposal_id}/rejections", response_model=ProposalPublic)
def reject(
    body: RejectionIn, user: BudgetApprover, runtime: RuntimeDep, proposal_id: ProposalId
) -> ProposalPublic:
    """Reject, with the reason (a lead of finance or marketing); the proposal is closed."""
    return ProposalPublic.of(workflow.reject(runtime.state, proposal_id, user.name, why=body.why))
