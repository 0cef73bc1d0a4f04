"""Forecast accuracy of a workspace: each past period's pipeline-weighted forecast
(amount x stage probability learned from earlier periods) against actual bookings.

Opportunities carry the team (the owner) and the segment (of the deal's account) as
``--by`` dimensions. Without stage history the engine uses the deal's age bucket at
period start (no look-ahead). Formulas: ``docs/funnel-and-sla.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from accord.data.workspace import Workspace
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.forecast import forecast_accuracy
from accord.engines.funnel import Report
from accord.errors import InputError, NotFound
from accord.workflows.revenue.context import RevenueContext, revenue_context
from accord.workflows.revenue.funnel import default_window, report_json

__all__ = ["FORECAST_DIMENSIONS", "ForecastResult", "forecast_report", "forecast_with"]

FORECAST_DIMENSIONS = ("rep", "segment", "source")


@dataclass(frozen=True)
class ForecastResult:
    """Forecast, actual, error, bias and MAPE by period (and group)."""

    start: dt.datetime
    end: dt.datetime
    grain: Literal["month", "quarter"]
    by: str | None
    accuracy: Report
    citations: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "from": self.start,
            "to": self.end,
            "grain": self.grain,
            "by": self.by,
            "definitions": [c.to_json() for c in self.citations],
            "accuracy": report_json(self.accuracy),
        }


def forecast_with(
    ctx: RevenueContext,
    *,
    start: dt.datetime,
    end: dt.datetime,
    grain: Literal["month", "quarter"] = "month",
    by: str | None = None,
) -> ForecastResult:
    """Forecast accuracy on an open :class:`RevenueContext`."""
    if by is not None and by not in FORECAST_DIMENSIONS:
        raise InputError(
            f"Unknown --by {by!r}.", hint=f"Use one of {', '.join(FORECAST_DIMENSIONS)}."
        )
    opp = ctx.table("opportunities")
    if opp is None:
        raise NotFound(
            "No opportunities are loaded: the forecast is built from deals.",
            hint="Load a deals export: `accord load FILE --preset salesforce-opportunities`.",
        )
    opp = opp.mutate(rep=opp.owner_id.cast("string"), source=opp.lead_source.cast("string"))
    acc = ctx.table("accounts")
    if acc is not None:
        a = acc.select(a_sys=acc.source_system, a_id=acc.account_id, segment=acc.segment)
        opp = opp.left_join(a, [opp.source_system == a.a_sys, opp.account_id == a.a_id])
    else:
        opp = opp.mutate(segment=opp.rep.isnull().ifelse(None, None).cast("string"))
    report = forecast_accuracy(
        opp, start=start, end=end, grain=grain, by=by, time_zone=ctx.time_zone
    )
    return ForecastResult(
        start=start,
        end=end,
        grain=grain,
        by=by,
        accuracy=report.cite(**ctx.cite_args()),
        citations=ctx.citations,
    )


def forecast_report(
    workspace: Workspace,
    store: SqlDefinitionStore,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    grain: Literal["month", "quarter"] = "month",
    by: str | None = None,
    as_of: dt.datetime | None = None,
) -> ForecastResult:
    """Forecast accuracy for the complete periods of the window (default: 12 months)."""
    with revenue_context(workspace, store, as_of=as_of) as ctx:
        s, e = default_window(ctx.as_of)
        return forecast_with(ctx, start=start or s, end=end or e, grain=grain, by=by)
