"""Frozen results of the attribution engines.

Every model returns an :class:`AttributionResult`: per channel, the conversions (and,
when a value column was given, the value) it is credited with. When there is nothing to
attribute the result says why in ``reason`` instead of raising (STYLE.md #4): its credit
is all zeros and ``ok`` is false.

Examples
--------
>>> r = AttributionResult(
...     model="last_touch", channels=("a", "b"), conversions=(1.0, 2.0), value=None,
...     total_conversions=3.0, total_value=None,
... )
>>> r.credit("b"), r.share("a")
(2.0, 0.3333333333333333)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AttributionResult",
    "MarkovDetails",
    "ReasonCode",
    "TeamCredit",
    "TransitionMatrix",
]

ReasonCode = Literal[
    "no_paths",
    "no_conversions",
    "no_value",
    "no_null_journeys",
    "too_many_channels",
    "no_milestones",
]
"""Why a result carries no credit.

``no_paths``: the input holds no non-empty path. ``no_conversions``: no path converted.
``no_value``: value credit was asked for but no value was given or all of it is zero.
``no_null_journeys``: the model needs non-converting journeys and there are none.
``too_many_channels``: an exact computation over channel sets would exceed its limit.
``no_milestones``: a position-based model needs milestone touches the paths lack."""


@dataclass(frozen=True, slots=True)
class TransitionMatrix:
    """The transition probabilities of a (possibly higher-order) Markov chain.

    Sparse triplets: ``probability[i]`` is the probability of moving from
    ``states[source[i]]`` to ``states[target[i]]``. States are ``(start)``,
    ``(conversion)``, ``(null)`` and the channels, or for order ``k > 1`` the
    ``k``-tuples of channels written ``a,b,c``.
    """

    states: tuple[str, ...]
    source: tuple[int, ...]
    target: tuple[int, ...]
    probability: tuple[float, ...]

    def as_records(self) -> list[dict[str, str | float]]:
        """One ``{"from", "to", "probability"}`` record per non-zero transition."""
        return [
            {"from": self.states[s], "to": self.states[t], "probability": p}
            for s, t, p in zip(self.source, self.target, self.probability, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class MarkovDetails:
    """What the Markov model computed besides the credit.

    Parameters
    ----------
    order
        Order of the chain.
    include_nulls
        Whether non-converting journeys entered the chain.
    conversion_probability
        Probability of absorption in ``(conversion)`` from ``(start)``.
    removal_effects
        Per channel, ``1 - P(conv | channel removed) / P(conv)``.
    removal_effects_value
        The same for expected value, or ``None`` without a value column.
    transition_matrix
        The estimated transition probabilities.
    """

    order: int
    include_nulls: bool
    conversion_probability: float
    removal_effects: tuple[float, ...]
    removal_effects_value: tuple[float, ...] | None
    transition_matrix: TransitionMatrix


@dataclass(frozen=True, slots=True)
class AttributionResult:
    """Credit per channel under one model.

    Parameters
    ----------
    model
        Model name, e.g. ``"linear_touch"``, ``"markov"``.
    channels
        Channel names; the order of first appearance in the input.
    conversions
        Conversions credited to each channel; they sum to ``total_conversions``.
    value
        Value credited to each channel, or ``None`` when no value was given.
    total_conversions, total_value
        What was there to attribute.
    reason
        Why nothing was attributed, or ``None`` when credit was given.
    parameters
        The model's parameters as ``(name, value)`` pairs (e.g. ``("half_life", 7.0)``).
    markov
        Transition matrix and removal effects, for the Markov model only.
    """

    model: str
    channels: tuple[str, ...]
    conversions: tuple[float, ...]
    value: tuple[float, ...] | None
    total_conversions: float
    total_value: float | None
    reason: ReasonCode | None = None
    parameters: tuple[tuple[str, float | str | bool], ...] = ()
    markov: MarkovDetails | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when credit was attributed (``reason`` is ``None``)."""
        return self.reason is None

    def credit(self, channel: str) -> float:
        """Conversions credited to ``channel`` (0 for a channel not in the input)."""
        try:
            return self.conversions[self.channels.index(channel)]
        except ValueError:
            return 0.0

    def credit_value(self, channel: str) -> float:
        """Value credited to ``channel`` (0 for an unknown channel or without value)."""
        if self.value is None or channel not in self.channels:
            return 0.0
        return self.value[self.channels.index(channel)]

    def share(self, channel: str) -> float:
        """Fraction of all conversions credited to ``channel``."""
        if self.total_conversions == 0:
            return 0.0
        return self.credit(channel) / self.total_conversions

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        """``{channel: {"conversions": c, "value": v}}``."""
        return {
            ch: {
                "conversions": self.conversions[i],
                "value": None if self.value is None else self.value[i],
            }
            for i, ch in enumerate(self.channels)
        }


@dataclass(frozen=True, slots=True)
class TeamCredit:
    """Sourced and influenced conversions (or pipeline) per team.

    The two measures overlap by design (a deal can be marketing-sourced *and*
    sales-influenced), so they are reported side by side and never summed: there is
    deliberately no total across teams or across the two measures.

    Parameters
    ----------
    teams
        Team names.
    sourced, sourced_value
        Conversions (value) whose originating touch was made by the team.
    influenced, influenced_value
        Conversions (value) with at least one touch by the team before the milestone.
    total_conversions, total_value
        All conversions (value) of the journeys considered.
    origin
        The rule that picks the originating touch (``"first_touch"``).
    reason
        Why nothing was credited, or ``None``.
    """

    teams: tuple[str, ...]
    sourced: tuple[float, ...]
    influenced: tuple[float, ...]
    sourced_value: tuple[float, ...] | None
    influenced_value: tuple[float, ...] | None
    total_conversions: float
    total_value: float | None
    origin: str = "first_touch"
    reason: ReasonCode | None = None

    def sourced_by(self, team: str) -> float:
        """Conversions sourced by ``team`` (0 for an unknown team)."""
        return self.sourced[self.teams.index(team)] if team in self.teams else 0.0

    def influenced_by(self, team: str) -> float:
        """Conversions influenced by ``team`` (0 for an unknown team)."""
        return self.influenced[self.teams.index(team)] if team in self.teams else 0.0
