"""Lead-quality feedback from sales to marketing, by source, campaign or channel.

Acceptance and rejection of the hand-offs of the SLA in force (each person's first
hand-off by default, so a recycled lead is not counted twice), the rejection reasons'
mix, what happened to recycled leads, and the value of a lead by source (cohort
conversion to customer x revenue per customer, won deal amounts credited to the
deal's contact). Formulas: ``docs/funnel-and-sla.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis

from accord.data.workspace import Workspace
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.feedback import acceptance, lead_value, reason_mix, recycled_outcomes
from accord.engines.funnel import Report
from accord.errors import InputError
from accord.identity.keys import with_person_id
from accord.workflows.revenue.context import RevenueContext, revenue_context
from accord.workflows.revenue.funnel import default_window, entries_for, report_json
from accord.workflows.revenue.sla import clock_for, handoffs_for

__all__ = ["FEEDBACK_DIMENSIONS", "FeedbackResult", "feedback_report", "feedback_with"]

FEEDBACK_DIMENSIONS = ("source", "campaign", "channel")


@dataclass(frozen=True)
class FeedbackResult:
    """Acceptance, reasons, recycled leads and lead value for one window."""

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    by: str
    acceptance: Report
    reasons: Report
    recycled: Report
    lead_value: Report
    citations: tuple[Citation, ...]
    resolved: bool = True
    """False before ``accord resolve``: people are source records (``hubspot:123``)."""

    def to_json(self) -> dict[str, Any]:
        """Plain data: parameters, citations and the four reports."""
        return {
            "from": self.start,
            "to": self.end,
            "as_of": self.as_of,
            "by": self.by,
            "definitions": [c.to_json() for c in self.citations],
            "people_resolved": self.resolved,
            "acceptance": report_json(self.acceptance),
            "reasons": report_json(self.reasons),
            "recycled": report_json(self.recycled),
            "lead_value": report_json(self.lead_value),
        }


def _revenue(ctx: RevenueContext) -> ibis.Table:
    opp = ctx.table("opportunities")
    if opp is None or "contact_id" not in opp.columns:
        return ibis.memtable(
            {"person_id": [], "amount": []},
            schema=ibis.schema({"person_id": "string", "amount": "float64"}),
        )
    opp = opp.filter(opp.won.fill_null(False) & opp.contact_id.notnull())
    opp = with_person_id(ctx.warehouse, opp, id_column="contact_id")
    return opp.select("person_id", amount=opp.amount.cast("float64"))


def feedback_with(
    ctx: RevenueContext, *, start: dt.datetime, end: dt.datetime, by: str = "source"
) -> FeedbackResult:
    """The feedback reports on an open :class:`RevenueContext` (see :func:`feedback_report`)."""
    if by not in FEEDBACK_DIMENSIONS:
        raise InputError(
            f"Unknown --by {by!r}.", hint=f"Use one of {', '.join(FEEDBACK_DIMENSIONS)}."
        )
    body = ctx.sla_body.body
    f = ctx.funnel_body.body
    cite = ctx.cite_args()
    h = handoffs_for(ctx, clock=clock_for(ctx.time_zone))
    kw: dict[str, Any] = {"attributes": ctx.attributes, "by": by, "entity_col": "person_id"}
    acc = acceptance(h, start=start, end=end, **kw)
    mix = reason_mix(h, start=start, end=end, reasons=[r.code for r in f.rejection_reasons], **kw)
    accept = (body.sales.decision.accept_stage,) if body.sales.decision else ("sal",)
    stages = f.stage_names
    rec = recycled_outcomes(
        ctx.events,
        start=start,
        end=end,
        as_of=ctx.as_of,
        time_zone=ctx.time_zone,
        recycle_stages=(f.recycle_state,),
        handoff_stage=body.handoff_stage,
        accept_stages=accept,
        customer_stages=(stages[-1],),
        disqualify_stages=(f.disqualify_state,),
        **kw,
    )
    fe = entries_for(ctx)
    value = lead_value(
        fe,
        _revenue(ctx),
        start=start,
        end=end,
        as_of=ctx.as_of,
        by=by,
        from_stage=body.handoff_stage,
        customer_stage=stages[-1],
        entity_col="person_id",
    )
    return FeedbackResult(
        start=start,
        end=end,
        as_of=ctx.as_of,
        by=by,
        acceptance=acc.cite(**cite),
        reasons=mix.cite(**cite),
        recycled=rec.cite(**cite),
        lead_value=value.cite(**cite),
        citations=ctx.citations,
        resolved=ctx.resolved,
    )


def feedback_report(
    workspace: Workspace,
    store: SqlDefinitionStore,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: str = "source",
    as_of: dt.datetime | None = None,
) -> FeedbackResult:
    """Lead feedback by *by* (``source``, ``campaign`` or ``channel``) for *workspace*.

    The window defaults to the 12 months to the end of ``as_of``'s month (local time).
    """
    with revenue_context(workspace, store, as_of=as_of) as ctx:
        s, e = default_window(ctx.as_of)
        return feedback_with(ctx, start=start or s, end=end or e, by=by)
