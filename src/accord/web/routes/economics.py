"""The Economics page: unit economics, the budget recommendation and the budget
proposals: propose the recommended allocation (anyone signed in, as ``accord budget
propose``), approve and reject (the leads of finance and marketing), page and API.

Page and API take the filters of ``accord economics`` (:func:`economics_filters`):
``by`` (cohort, channel or segment), ``period`` (the cohort length) and the window
(``from``/``to`` or ``preset``, see :mod:`accord.web.filters`: customers acquired, spend
and new revenue of those days).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.errors import InputError
from accord.web.capability import ViewPublic, table_enum, table_response
from accord.web.charts import grouped_bars
from accord.web.deps import BudgetApprover, EconomicsViewer, Permit, RuntimeDep, WarehouseDep
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
from accord.web.listing import CSV_RESPONSE, ListingDep, download_response
from accord.web.models import Page, Public
from accord.web.pages import render
from accord.web.permissions import Action
from accord.web.runtime import Runtime
from accord.web.services.economics import (
    BY,
    PERIODS,
    TABLES,
    EconomicsArgs,
    ProposalPublic,
    economics_view,
    list_proposals,
    propose_allocation,
    workspace_fit,
)
from accord.web.services.reports import View
from accord.workflows import proposals as workflow
from accord.workflows.budget import WorkspaceFit

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["economics"])

EconomicsTable = table_enum("EconomicsTable", TABLES)
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The proposal's id.")]
Why = Annotated[str, Form(min_length=1, max_length=2000)]


BudgetProposer = Annotated[UserRecord, Depends(Permit(Action.PROPOSE_BUDGET))]
"""Who may propose a budget allocation (the permission table's ``propose_budget``)."""
Note = Annotated[str | None, Form(max_length=2000)]
MAX_BUDGET = 1e12


class RejectionIn(Public):
    """Why a proposal is rejected."""

    why: str = Field(min_length=1, max_length=2000)


class ProposalIn(Public):
    """A new budget proposal: the recommended split of a weekly budget."""

    budget: float | None = Field(
        default=None,
        gt=0,
        le=MAX_BUDGET,
        description="Weekly budget to split (default: the historical weekly spend).",
    )
    note: str | None = Field(default=None, max_length=2000, description="Why, for the approvers.")


def economics_filters(
    window: PeriodDep,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    by: Annotated[
        str | None, Query(max_length=40, description="Only this split: cohort, channel, segment.")
    ] = None,
    period: Annotated[
        str | None, Query(max_length=40, description="Cohort length: month, quarter or year.")
    ] = None,
) -> EconomicsArgs:
    """The page's filters from the query string, a preset resolved against the newest
    data (a bad value: 422)."""
    args = EconomicsArgs(
        by=cast(Any, choice(by, "by", BY)), period=cast(Any, choice(period, "period", PERIODS))
    )
    if not window.given:
        return args
    start, end = window.days(newest_day(runtime, warehouse))  # in order: Period.parse checks
    return replace(args, start=start, end=end)


FiltersDep = Annotated[EconomicsArgs, Depends(economics_filters)]


def _query(args: EconomicsArgs, window: Period) -> str:
    return query_string([("by", args.by), ("period", args.period), *window.query()])


def fit(runtime: Runtime, warehouse: Warehouse) -> WorkspaceFit:
    """The workspace's marketing-mix model, cached until the data or definitions change:
    the page shows its recommendation and a proposal stores that same one."""
    return runtime.cached("economics-fit", lambda: workspace_fit(runtime.definitions, warehouse))


def current(runtime: Runtime, warehouse: Warehouse, args: EconomicsArgs) -> View:
    """The page's tables for *args*, cached until the data or the definitions change."""
    return runtime.cached(
        ("economics-view", args.key()),
        lambda: economics_view(
            runtime.definitions, warehouse, args, fit=lambda: fit(runtime, warehouse)
        ),
    )


def _budget(value: str | None) -> float | None:
    """The form's weekly budget (blank: the historical weekly spend)."""
    text = (value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        amount = float(text)
    except ValueError:
        amount = math.nan
    if not (0 < amount <= MAX_BUDGET):
        raise InputError(
            f"The weekly budget {text[:40]!r} is not a positive amount.",
            hint="Write a number such as 25000, or leave it blank for the current weekly spend.",
        )
    return amount


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
    request: Request,
    user: EconomicsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    args: FiltersDep,
    window: PeriodDep,
) -> Response:
    """Unit economics, the budget recommendation and the proposals (propose, approve,
    reject for those who may)."""
    view = current(runtime, warehouse, args)
    charts = runtime.cached(("economics-charts", args.key()), lambda: _charts(view))
    form = FilterForm(
        action="/economics",
        period=window,
        selects=(
            Select("by", "Split", options(BY, "cohort, channel and segment"), args.by),
            Select("period", "Cohort length", options(PERIODS, "quarter"), args.period),
        ),
        newest=newest_day(runtime, warehouse),
        query=_query(args, window),
    )
    return render(
        request, "economics.html", user=user, view=view, charts=charts,
        proposals=list_proposals(runtime.state), form=form, qs=_query(args, window),
    )  # fmt: skip


@pages.post("/economics/proposals")
def propose_page(
    user: BudgetProposer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    budget: Annotated[str | None, Form(max_length=40)] = None,
    note: Note = None,
) -> Response:
    """Store the recommended allocation (of *budget* a week, default the current weekly
    spend) as a proposal awaiting a finance lead and a marketing lead."""
    amount = _budget(budget)
    made = propose_allocation(
        runtime.state, fit(runtime, warehouse), user=user.name, budget=amount, note=note
    )
    return RedirectResponse(f"/economics#proposal-{made.id}", status_code=303)


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
def economics(
    user: EconomicsViewer, runtime: RuntimeDep, warehouse: WarehouseDep, args: FiltersDep
) -> ViewPublic:
    """The page's tables (names, sizes), the definition versions used, the parameters
    and any problem, for the filters given."""
    return ViewPublic.of(current(runtime, warehouse, args))


@api.post("/economics/proposals", response_model=ProposalPublic, status_code=201)
def propose(
    body: ProposalIn, user: BudgetProposer, runtime: RuntimeDep, warehouse: WarehouseDep
) -> ProposalPublic:
    """Propose the recommended split of a weekly budget (default: the current weekly
    spend), as ``accord budget propose``: it awaits a finance lead and a marketing lead."""
    return propose_allocation(
        runtime.state, fit(runtime, warehouse), user=user.name, budget=body.budget, note=body.note
    )


@api.get("/economics/{table}", response_model=Page[dict[str, Any]], responses=CSV_RESPONSE)
def economics_table(
    table: EconomicsTable,  # type: ignore[valid-type]
    user: EconomicsViewer,
    runtime: RuntimeDep,
    warehouse: WarehouseDep,
    listing: ListingDep,
    args: FiltersDep,
) -> Page[dict[str, Any]] | Response:
    """One table of the page, for the filters given."""
    name = str(table.value)  # type: ignore[attr-defined]
    view = current(runtime, warehouse, args)
    return table_response(view.table(name), listing, f"accord-economics-{name}.csv")


@api.get("/budget/proposals", response_model=Page[ProposalPublic], responses=CSV_RESPONSE)
def budget_proposals(
    user: EconomicsViewer, runtime: RuntimeDep, listing: ListingDep
) -> Page[ProposalPublic] | Response:
    """Budget proposals, newest first (CSV: one row per proposal, without channels)."""
    items = list_proposals(runtime.state)
    if listing.download:
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
        return download_response(listing, rows, "accord-budget-proposals.csv")
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
