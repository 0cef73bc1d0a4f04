"""The ``funnel`` definition: ordered stages, how a lead enters each, and where it can leave.

The standard B2B funnel (subscriber → lead → MQL → SAL → SQL → opportunity → customer) is
in the starter pack. SAL is kept because it records sales' accept decision; a rejection
carries a reason code whose effect is to *recycle* the lead (back to nurturing) or to
*disqualify* it.

Examples
--------
>>> f = FunnelDefinition.model_validate({
...     "name": "mini", "owners": ["marketing", "sales"],
...     "body": {"stages": [{"name": "lead", "enter": {"lifecycle_events": ["lead"]}},
...                         {"name": "mql", "enter": {"lifecycle_events": ["mql"],
...                                                   "after": "lead"}}]}})
>>> f.body.stage_names
('lead', 'mql')
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from accord.definitions.envelope import DefinitionBase, FrozenModel, Name

__all__ = ["EntryRule", "FunnelBody", "FunnelDefinition", "RejectionReason", "SideState", "Stage"]


class EntryRule(FrozenModel):
    """A lead enters the stage on any of ``lifecycle_events`` or when its score reaches
    ``score_at_least`` (from the lead-scoring engine), provided it has entered ``after``."""

    lifecycle_events: tuple[Name, ...] = ()
    score_at_least: float | None = None
    after: Name | None = None

    @model_validator(mode="after")
    def _has_a_trigger(self) -> EntryRule:
        if not self.lifecycle_events and self.score_at_least is None:
            raise ValueError("an entry rule needs lifecycle_events or score_at_least")
        return self


class Stage(FrozenModel):
    """One ordered stage of the funnel."""

    name: Name
    label: str = ""
    enter: EntryRule


class SideState(FrozenModel):
    """A state off the main path (recycled, disqualified, lost, churned).

    Parameters
    ----------
    lifecycle_events
        Lifecycle events that put a lead in this state.
    from_stages
        Stages it can be entered from.
    returns_to
        Where a lead goes back to from here (e.g. recycled → lead), if anywhere.
    """

    name: Name
    label: str = ""
    lifecycle_events: tuple[Name, ...] = ()
    from_stages: tuple[Name, ...] = ()
    returns_to: Name | None = None


class RejectionReason(FrozenModel):
    """A reason code sales gives when rejecting a lead, and what the rejection does."""

    code: Name
    label: str = ""
    effect: Literal["recycle", "disqualify"]


class FunnelBody(FrozenModel):
    """The body of a ``funnel`` definition.

    ``recycle_state`` and ``disqualify_state`` name the side states a rejection with that
    effect moves the lead to.
    """

    entity: Literal["contact", "account"] = "contact"
    stages: tuple[Stage, ...] = Field(min_length=1)
    side_states: tuple[SideState, ...] = ()
    rejection_reasons: tuple[RejectionReason, ...] = ()
    recycle_state: Name = "recycled"
    disqualify_state: Name = "disqualified"

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stage names in funnel order."""
        return tuple(s.name for s in self.stages)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Stage and side-state names."""
        return self.stage_names + tuple(s.name for s in self.side_states)


class FunnelDefinition(DefinitionBase):
    """A funnel: envelope + :class:`FunnelBody`."""

    kind: Literal["funnel"] = "funnel"
    body: FunnelBody
