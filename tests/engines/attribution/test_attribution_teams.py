"""Team credit: sourced vs influenced (never summed) and roll-up of channel credit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from accord.engines.attribution import PathCounts, linear, rollup, team_credit


@pytest.fixture
def team_paths() -> PathCounts:
    return PathCounts.from_sequences(
        [
            ["marketing", "sales", "marketing"],  # 2 deals worth 300
            ["sales"],  # 1 deal worth 50
            ["partners", "marketing", "sales"],  # 1 deal worth 80
            ["marketing"],  # no deal
        ],
        conversions=[2, 1, 1, 0],
        value=[300, 50, 80, 0],
        nulls=[4, 3, 2, 9],
    )


def test_sourced_and_influenced_by_hand(team_paths: PathCounts) -> None:
    tc = team_credit(team_paths)
    assert tc.sourced_by("marketing") == 2
    assert tc.sourced_by("sales") == 1
    assert tc.sourced_by("partners") == 1
    assert tc.influenced_by("marketing") == 3  # counted once per deal, not per touch
    assert tc.influenced_by("sales") == 4
    assert tc.influenced_by("partners") == 1
    assert tc.sourced_value == (300.0, 50.0, 80.0)  # marketing, sales, partners
    assert tc.influenced_value == (380.0, 430.0, 80.0)
    # each deal is sourced by exactly one team; influence overlaps
    assert sum(tc.sourced) == tc.total_conversions == 4
    assert sum(tc.influenced) > tc.total_conversions


def test_lead_origin_uses_the_lead_creating_touch(team_paths: PathCounts) -> None:
    marked = dataclasses.replace(team_paths, milestones=(("lead", np.array([1, 0, -1, 0])),))
    tc = team_credit(marked, origin="lead")
    # path 1's lead came from sales' touch; path 3 has no lead touch -> its first touch
    assert (tc.sourced_by("marketing"), tc.sourced_by("sales")) == (0, 3)
    assert tc.sourced_by("partners") == 1
    assert team_credit(team_paths, origin="lead").reason == "no_milestones"


def test_rollup_sums_channel_credit_into_teams() -> None:
    pc = PathCounts.from_sequences(
        [["search", "sdr_call", "webinar"], ["sdr_call"]], conversions=[3, 1], value=[30, 10]
    )
    team_of = {"search": "marketing", "webinar": "marketing", "sdr_call": "sales"}
    r = rollup(linear(pc), team_of)
    assert r.channels == ("marketing", "sales")
    assert r.conversions == pytest.approx((2.0, 2.0))
    assert r.value == pytest.approx((20.0, 20.0))
    assert rollup(linear(pc), {}).channels == ("unassigned",)
