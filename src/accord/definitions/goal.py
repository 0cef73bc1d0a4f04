"""The ``goal`` definition: one node of the tree from company goals to team goals.

Each goal binds a metric to a target over a calendar period (``2025``, ``2025-Q2`` or
``2025-04``) and an owner team; ``parent`` links it to the goal it contributes to, and
``slice`` restricts the metric to dimension values (``segment: enterprise``).

Examples
--------
>>> period_bounds("2025-Q2")
(datetime.date(2025, 4, 1), datetime.date(2025, 7, 1))
>>> period_bounds("2024-12")
(datetime.date(2024, 12, 1), datetime.date(2025, 1, 1))
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, StringConstraints

from accord.definitions.envelope import DefinitionBase, FrozenModel, Name, NameMap, Team

__all__ = ["GoalBody", "GoalDefinition", "Period", "period_bounds"]


def _year_as_text(value: object) -> object:
    """YAML reads ``period: 2025`` as an integer; a period is text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Period = Annotated[
    str,
    BeforeValidator(_year_as_text),
    StringConstraints(pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"),
]
"""A calendar year ``2025``, quarter ``2025-Q2`` or month ``2025-04``."""


def period_bounds(period: str) -> tuple[date, date]:
    """Return ``[start, end)`` of a calendar period string."""
    m = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-(\d{2}))?", period)
    if m is None:
        raise ValueError(f"not a period: {period!r}")
    year = int(m.group(1))
    if m.group(2):
        first, months = (int(m.group(2)) - 1) * 3 + 1, 3
    elif m.group(3):
        first, months = int(m.group(3)), 1
    else:
        first, months = 1, 12
    end_index = year * 12 + first - 1 + months
    return date(year, first, 1), date(end_index // 12, end_index % 12 + 1, 1)


class GoalBody(FrozenModel):
    """The body of a ``goal`` definition.

    Parameters
    ----------
    metric
        The metric the goal is measured by.
    target
        The value to reach over ``period`` (at least, or at most when the metric's
        direction is ``lower``).
    period
        Calendar period of the goal.
    owner_team
        The team accountable for it; must be one of the definition's owners.
    parent
        The goal this one contributes to (``None`` for a company goal).
    slice
        Dimension values the metric is restricted to.
    """

    metric: Name
    target: float
    period: Period
    owner_team: Team
    parent: Name | None = None
    slice: NameMap = ()


class GoalDefinition(DefinitionBase):
    """A goal: envelope + :class:`GoalBody`."""

    kind: Literal["goal"] = "goal"
    body: GoalBody
