"""Team credit: sourced versus influenced, and model credit rolled up to teams.

Every touch carries the team that made it (marketing, sales, partners, product,
service). Two questions get two separate answers, never added together:

* **sourced**: the conversions (pipeline, revenue) whose *originating* touch was made by
  the team. The originating touch is picked by the funnel's rule: the first touch of
  the journey (``origin="first_touch"``) or the touch that created the lead
  (``origin="lead"``, needs the ``lead`` milestone; the first touch stands in where
  no touch created the lead). Each conversion is sourced by exactly one team.
* **influenced**: the conversions with at least one touch by the team before the
  milestone. A conversion is influenced by every team that touched it, so influenced
  figures overlap across teams and with sourced figures; summing them double-counts.

Both are computed on paths whose labels are teams (journeys built with
``label_col="team"``). :func:`rollup` instead sums a model's channel credit into teams
when each channel (or campaign) belongs to one team.

Examples
--------
>>> from accord.engines.attribution.paths import PathCounts
>>> pc = PathCounts.from_sequences(
...     [["marketing", "sales"], ["sales"]], conversions=[2, 1], value=[200, 50]
... )
>>> tc = team_credit(pc)
>>> tc.sourced_by("marketing"), tc.influenced_by("sales")
(2.0, 3.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from accord.engines.attribution.paths import FloatArray, PathCounts
from accord.engines.attribution.result import AttributionResult, ReasonCode, TeamCredit

__all__ = ["Origin", "rollup", "team_credit"]

Origin = Literal["first_touch", "lead"]


def team_credit(paths: PathCounts, *, origin: Origin = "first_touch") -> TeamCredit:
    """Sourced and influenced conversions (and value) per team.

    Parameters
    ----------
    paths
        Paths whose labels are teams.
    origin
        Rule for the originating touch: ``"first_touch"`` or ``"lead"``.
    """
    n = len(paths.channels)
    starts = paths.offsets[:-1]
    reason: ReasonCode | None = None
    if paths.n_paths == 0:
        reason = "no_paths"
    elif paths.total_conversions == 0:
        reason = "no_conversions"
    position = np.zeros(paths.n_paths, dtype=np.int64)
    if origin == "lead":
        lead = paths.milestone("lead")
        if lead is None:
            reason = reason or "no_milestones"
        else:
            position = np.where((lead >= 0) & (lead < paths.lengths), lead, 0)
    origin_team = paths.touches[starts + position]
    # one (path, team) pair per distinct team on the path
    pairs = np.unique(paths.path_of_touch * max(n, 1) + paths.touches)
    pair_path, pair_team = pairs // max(n, 1), pairs % max(n, 1)

    def per_team(amount: FloatArray) -> tuple[tuple[float, ...], tuple[float, ...]]:
        sourced = np.bincount(origin_team, amount, minlength=n)
        influenced = np.bincount(pair_team, amount[pair_path], minlength=n)
        return tuple(map(float, sourced)), tuple(map(float, influenced))

    if reason == "no_milestones":
        zeros = tuple(0.0 for _ in range(n))
        s, i = zeros, zeros
        sv: tuple[float, ...] | None = None if paths.value is None else zeros
        iv = sv
    else:
        s, i = per_team(paths.conversions)
        sv, iv = per_team(paths.value) if paths.value is not None else (None, None)
    return TeamCredit(
        teams=paths.channels,
        sourced=s,
        influenced=i,
        sourced_value=sv,
        influenced_value=iv,
        total_conversions=paths.total_conversions,
        total_value=paths.total_value,
        origin=origin,
        reason=reason,
    )


def rollup(result: AttributionResult, team_of: Mapping[str, str]) -> AttributionResult:
    """Sum a model's channel (or campaign) credit into teams.

    Parameters
    ----------
    result
        Credit per channel.
    team_of
        The team of each channel; channels not in it go to ``"unassigned"``.
    """
    teams: list[str] = []
    for ch in result.channels:
        team = team_of.get(ch, "unassigned")
        if team not in teams:
            teams.append(team)
    index = np.array([teams.index(team_of.get(ch, "unassigned")) for ch in result.channels])

    def total(xs: tuple[float, ...]) -> tuple[float, ...]:
        sums = np.bincount(index, np.asarray(xs, dtype=float), minlength=len(teams))
        return tuple(map(float, sums))

    empty = len(result.channels) == 0
    return AttributionResult(
        model=result.model,
        channels=tuple(teams),
        conversions=() if empty else total(result.conversions),
        value=None if result.value is None else (() if empty else total(result.value)),
        total_conversions=result.total_conversions,
        total_value=result.total_value,
        reason=result.reason,
        parameters=(*result.parameters, ("rolled_up", "team")),
    )
