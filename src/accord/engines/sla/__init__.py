"""The two-sided marketing-sales SLA.

Marketing's side (:func:`marketing_sla`): MQL volume against the committed target, pace,
and the acceptance-rate quality floor; the target itself from the revenue goal
(:func:`derive_targets`). Sales' side: the hand-off table (:func:`build_handoffs`) judges
every hand-off against the decision, first-touch, attempts and disposition commitments on
a calendar or business-hours :class:`Clock`; :func:`sales_compliance` and
:func:`breach_list` read it. See ``docs/funnel-and-sla.md``.
"""

from accord.engines.sla.clock import Clock
from accord.engines.sla.compliance import breach_list, sales_compliance
from accord.engines.sla.handoffs import Handoffs, build_handoffs
from accord.engines.sla.marketing import marketing_sla
from accord.engines.sla.targets import TargetPlan, TargetStep, derive_targets, rates_from_cohort
from accord.engines.sla.terms import COMMITMENTS, Commitment, MarketingTerms, SalesTerms

__all__ = [
    "COMMITMENTS",
    "Clock",
    "Commitment",
    "Handoffs",
    "MarketingTerms",
    "SalesTerms",
    "TargetPlan",
    "TargetStep",
    "breach_list",
    "build_handoffs",
    "derive_targets",
    "marketing_sla",
    "rates_from_cohort",
    "sales_compliance",
]
