"""The ``sla`` definition: the two-sided contract between marketing and sales.

Modelled on HubSpot's published SLA: marketing commits to a monthly MQL volume (about 100
per rep) and a quality floor; sales commits to follow up every MQL within 24 hours, make 5
attempts within 2 weeks, and accept or reject each lead with a reason within a set time.
The commitments reference a funnel's stages and the metrics that measure them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from accord.definitions.envelope import DefinitionBase, FrozenModel, Name

__all__ = [
    "Attempts",
    "Decision",
    "Disposition",
    "FirstTouch",
    "MarketingCommitments",
    "QualityFloor",
    "SalesCommitments",
    "SlaBody",
    "SlaDefinition",
    "VolumeTarget",
]

Period = Literal["week", "month", "quarter"]


class VolumeTarget(FrozenModel):
    """Marketing delivers at least ``target`` of ``metric`` every ``per``."""

    metric: Name
    target: float = Field(gt=0)
    per: Period = "month"


class QualityFloor(FrozenModel):
    """``metric`` (e.g. the MQL→SAL acceptance rate) stays at or above ``at_least``."""

    metric: Name
    at_least: float
    per: Period = "month"


class MarketingCommitments(FrozenModel):
    """What marketing commits to."""

    volume: VolumeTarget | None = None
    quality_floor: QualityFloor | None = None


class Decision(FrozenModel):
    """Sales accepts (enters ``accept_stage``) or rejects every handed-off lead within
    ``within_hours``; a rejection needs a reason code from the funnel when
    ``reason_required``."""

    within_hours: float = Field(gt=0)
    accept_stage: Name
    reason_required: bool = True


class FirstTouch(FrozenModel):
    """Sales makes a first attempt within ``within_hours`` of the handoff."""

    within_hours: float = Field(gt=0)


class Attempts(FrozenModel):
    """Sales makes at least ``count`` attempts within ``within_days`` of the handoff."""

    count: int = Field(ge=1)
    within_days: float = Field(gt=0)


class Disposition(FrozenModel):
    """Every handed-off lead reaches one of ``stages`` by day ``by_day``."""

    by_day: float = Field(gt=0)
    stages: tuple[Name, ...] = Field(min_length=1)


class SalesCommitments(FrozenModel):
    """What sales commits to."""

    decision: Decision | None = None
    first_touch: FirstTouch | None = None
    attempts: Attempts | None = None
    disposition: Disposition | None = None


class SlaBody(FrozenModel):
    """The body of an ``sla`` definition: the clock starts when a lead enters
    ``handoff_stage`` of ``funnel``."""

    funnel: Name
    handoff_stage: Name
    marketing: MarketingCommitments = MarketingCommitments()
    sales: SalesCommitments = SalesCommitments()


class SlaDefinition(DefinitionBase):
    """An SLA: envelope + :class:`SlaBody`."""

    kind: Literal["sla"] = "sla"
    body: SlaBody
