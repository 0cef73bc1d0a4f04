"""Revenue workflows: the funnel, the two-sided SLA, lead feedback and forecast accuracy
of a workspace, from the ``funnel`` and ``sla`` definitions in force (see
``docs/funnel-and-sla.md``). Shared by the CLI and the web app."""

from accord.workflows.revenue.context import RevenueContext, in_force_funnel_sla, revenue_context
from accord.workflows.revenue.feedback import FeedbackResult, feedback_report
from accord.workflows.revenue.forecast import ForecastResult, forecast_report
from accord.workflows.revenue.funnel import FunnelResult, funnel_report
from accord.workflows.revenue.sla import SlaResult, sla_report

__all__ = [
    "FeedbackResult",
    "ForecastResult",
    "FunnelResult",
    "RevenueContext",
    "SlaResult",
    "feedback_report",
    "forecast_report",
    "funnel_report",
    "in_force_funnel_sla",
    "revenue_context",
    "sla_report",
]
