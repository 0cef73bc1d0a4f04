"""The Economics page: unit economics, the budget recommendation, the budget proposals.

- **Unit economics** (:func:`accord.workflows.economics.unit_economics`, as ``accord
  economics``): new customers, blended and paid CAC, ARPA, LTV, LTV:CAC, payback and
  ROMI overall (the ``all`` row) and by cohort (quarter of acquisition), channel and
  segment; cites the constants and filters in force.
- **Recommendation**: :func:`accord.workflows.budget.fit_workspace` (the marketing-mix
  model on weekly spend per channel against invoiced revenue) and
  :func:`~accord.workflows.budget.recommend` (the historical weekly budget split for the
  largest expected response, with the 0.5x and 2x scenarios), as ``accord budget``
  computes them; cites the ``paid_spend`` and ``revenue`` versions in force.
- **Proposals** (:mod:`accord.workflows.proposals`): a recommendation stored for
  approval; approved once a finance lead **and** a marketing lead approve, closed by
  one rejection with a reason. Read from the state store on every request (they are
  small), never cached. :func:`propose_allocation` stores the recommendation shown (the
  same fit) as a new proposal, as ``accord budget propose`` does.

:class:`EconomicsArgs` carries the options of ``accord economics`` the page takes: the
split (``by``), the cohort length (``period``) and the window (``start``, ``end``: the
customers acquired, the spend and the new revenue of those days; ``--from``/``--to``).
The recommendation is fitted on all the data whatever the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from accord.data.state import StateStore
from accord.data.state.budget_proposals import ProposalRecord
from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.web.models import Public
from accord.web.services.reports import Table, View, attempt, merge, table_of
from accord.workflows.budget import WorkspaceFit, fit_workspace, recommend
from accord.workflows.economics import By, Period, unit_economics
from accord.workflows.proposals import missing_approvals, proposals, propose

__all__ = [
    "BY",
    "PERIODS",
    "TABLES",
    "DecisionPublic",
    "EconomicsArgs",
    "ProposalPublic",
    "economics_view",
    "list_proposals",
    "propose_allocation",
    "workspace_fit",
]

BY: tuple[By, ...] = ("cohort", "channel", "segment")
"""``by``: the split shown (``accord economics --by``); none: all three."""
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")
"""``period``: the cohort length with ``by=cohort`` (``accord economics --period``)."""


@dataclass(frozen=True, slots=True)
class EconomicsArgs:
    """The options of ``accord economics`` the page takes.

    Attributes
    ----------
    by
        Only this split (``None``: cohort, channel and segment).
    period
        Cohort length (``None``: quarter on the page; ``accord economics`` defaults
        to month).
    start, end
        The window's first and last day, both included (``None``: all the data).
    """

    by: By | None = None
    period: Period | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def splits(self) -> tuple[tuple[By, Period], ...]:
        """The (split, period) pairs computed."""
        cohort: Period = self.period or "quarter"
        both: tuple[tuple[By, Period], ...] = (
            ("cohort", cohort),
            ("channel", self.period or "month"),
            ("segment", self.period or "month"),
        )
        return tuple(s for s in both if self.by is None or s[0] == self.by)

    def key(self) -> tuple[Any, ...]:
        """What results for these options are cached under."""
        return (self.by, self.period, self.start, self.end)


TABLES: dict[str, str] = {
    "by_cohort": "Unit economics by cohort (quarter of acquisition)",
    "by_channel": "Unit economics by channel",
    "by_segment": "Unit economics by segment",
    "budget_recommendation": "Recommended weekly budget split",
    "budget_scenarios": "Budget scenarios (0.5x, 1x, 2x the weekly budget)",
}
"""Every table of the page, by URL name (``/api/v1/economics/<name>``)."""


class DecisionPublic(Public):
    """An approval or rejection of a budget proposal."""

    at: datetime
    user: str
    team: str
    decision: Literal["approve", "reject"]
    reason: str | None


class ProposalPublic(Public):
    """A budget proposal: the split, who decided, what it still awaits."""

    id: int
    created_at: datetime
    created_by: str
    status: str
    budget: float
    periods: int
    target: str
    expected_response: float
    historical_response: float
    note: str | None
    decided_at: datetime | None
    awaiting: list[str]
    channels: list[dict[str, Any]]
    decisions: list[DecisionPublic]

    @classmethod
    def of(cls, record: ProposalRecord) -> ProposalPublic:
        """From the state store's record."""
        return cls(
            id=record.id,
            created_at=record.created_at,
            created_by=record.created_by,
            status=record.status,
            budget=record.budget,
            periods=record.periods,
            target=record.target,
            expected_response=record.expected_response,
            historical_response=record.historical_response,
            note=record.note,
            decided_at=record.decided_at,
            awaiting=list(missing_approvals(record)) if record.status == "proposed" else [],
            channels=[dict(c) for c in record.channels],
            decisions=[
                DecisionPublic(at=d.at, user=d.user, team=d.team, decision=d.decision,
                               reason=d.reason)
                for d in record.decisions
            ],
        )  # fmt: skip


def list_proposals(state: StateStore) -> list[ProposalPublic]:
    """Every budget proposal, newest first."""
    return [ProposalPublic.of(r) for r in reversed(proposals(state))]


def workspace_fit(store: SqlDefinitionStore, warehouse: Warehouse) -> WorkspaceFit:
    """The marketing-mix model of the workspace, as ``accord budget`` fits it."""
    return fit_workspace(warehouse, definitions=store.snapshot())


def propose_allocation(
    state: StateStore,
    model: WorkspaceFit,
    *,
    user: str,
    budget: float | None = None,
    note: str | None = None,
) -> ProposalPublic:
    """Store *model*'s recommended split of *budget* (default: the historical weekly
    spend) as a proposal by *user*, awaiting a finance lead and a marketing lead.

    Raises
    ------
    InputError
        The budget is not positive or no allocation fits it.
    NotFound
        *user* is not an Accord user.
    """
    rec = recommend(model, budget=budget)
    return ProposalPublic.of(propose(state, rec, user=user, note=(note or "").strip() or None))


def _recommendation(model: WorkspaceFit) -> View:
    rec = recommend(model)
    periods = rec.allocation.periods
    channels = [
        {
            "channel": c.channel,
            "spend_before": c.historical_spend,
            "spend_after": c.spend,
            "change": c.spend - c.historical_spend,
            "response_before": c.historical_response * periods,
            "response_after": c.response * periods,
            "marginal_return": c.marginal_return,
        }
        for c in rec.allocation.channels
    ]
    scenarios = [
        {
            "budget": s.budget,
            "expected_response": s.response,
            "historical_mix_response": s.historical_response,
            "uplift": (s.response / s.historical_response - 1.0) if s.historical_response else None,
            "status": s.status,
        }
        for s in rec.scenarios
    ]
    tables: list[Table] = [
        table_of("budget_recommendation", TABLES["budget_recommendation"], channels),
        table_of("budget_scenarios", TABLES["budget_scenarios"], scenarios),
    ]
    return View(
        tables=tuple(tables),
        citations=model.citations,
        parameters=(
            ("weekly_budget", f"{rec.allocation.budget:,.0f}"),
            ("target", model.panel.target_name),
            ("weeks", str(model.panel.weeks.size)),
            ("uplift", f"{rec.uplift:.1%}"),
        ),
    )


def _unit_economics(store: SqlDefinitionStore, warehouse: Warehouse, args: EconomicsArgs) -> View:
    snapshot = store.snapshot()
    tables: list[Table] = []
    notes: list[str] = []
    citations: dict[tuple[str, int], Citation] = {}
    parameters: tuple[tuple[str, str], ...] = ()
    for by, period in args.splits():
        result = unit_economics(warehouse, definitions=snapshot, by=by, period=period,
                                start=args.start, end=args.end)  # fmt: skip
        rows = [asdict(result.total), *(asdict(r) for r in result.rows)]
        tables.append(table_of(f"by_{by}", TABLES[f"by_{by}"], rows))
        notes += [n for n in result.notes if n not in notes]
        citations.update({(c.name, c.version): c for c in result.citations})
        parameters = (
            ("gross_margin", f"{result.gross_margin:.0%}"),
            ("months", str(result.months)),
            ("paid_channels", ", ".join(result.paid_channels)),
            ("by", args.by or "cohort, channel, segment"),
            ("cohort_period", dict(args.splits()).get("cohort", "")),
            *((("from", args.start.isoformat()),) if args.start else ()),
            *((("to", args.end.isoformat()),) if args.end else ()),
        )
    return View(
        tables=tuple(tables),
        citations=tuple(citations.values()),
        notes=tuple(notes),
        parameters=parameters,
    )


def economics_view(
    store: SqlDefinitionStore,
    warehouse: Warehouse,
    args: EconomicsArgs = EconomicsArgs(),
    fit: Callable[[], WorkspaceFit] | None = None,
) -> View:
    """Every table of the page for *args*, or the reasons there are none (each part on
    its own). *fit* gives the marketing-mix model (default: fitted here)."""
    model = fit or (lambda: workspace_fit(store, warehouse))
    return merge(attempt(lambda: _unit_economics(store, warehouse, args)),
                 attempt(lambda: _recommendation(model())))  # fmt: skip
