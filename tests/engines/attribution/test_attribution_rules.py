"""Rule-based models: hand-solved fractions and ChannelAttribution's heuristic_models."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pyarrow.csv as pv
import pytest

from accord.engines.attribution import (
    PathCounts,
    first_touch,
    full_path,
    last_touch,
    linear,
    time_decay,
    u_shaped,
    w_shaped,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def paths() -> PathCounts:
    # a > b > c > a (4 conversions), c (1), b > a (2)
    return PathCounts.from_sequences(
        [["a", "b", "c", "a"], ["c"], ["b", "a"]],
        conversions=[4, 1, 2],
        value=[40, 10, 6],
        nulls=[9, 9, 9],
    )


def approx(expected: dict[str, F]) -> dict[str, float]:
    return {k: pytest.approx(float(v), rel=1e-12) for k, v in expected.items()}


def credits(result, names=("a", "b", "c")) -> dict[str, float]:
    return {n: result.credit(n) for n in names}


def test_first_and_last_touch(paths: PathCounts) -> None:
    assert credits(first_touch(paths)) == {"a": 4, "b": 2, "c": 1}
    assert credits(last_touch(paths)) == {"a": 6, "b": 0, "c": 1}
    assert first_touch(paths).credit_value("b") == 6
    assert last_touch(paths).credit_value("a") == 46


def test_linear_is_per_touch(paths: PathCounts) -> None:
    # path 1: each of 4 touches gets 1 (a twice); path 2: c 1; path 3: b 1, a 1
    assert credits(linear(paths)) == approx({"a": F(3), "b": F(2), "c": F(2)})


def test_time_decay_by_touch_steps(paths: PathCounts) -> None:
    # half-life one touch: path 1 weights 1/8, 1/4, 1/2, 1 (sum 15/8)
    a = F(4) * (F(1, 8) + 1) / F(15, 8) + F(2) * F(2, 3)
    b = F(4) * F(1, 4) / F(15, 8) + F(2) * F(1, 3)
    c = F(4) * F(1, 2) / F(15, 8) + 1
    assert credits(time_decay(paths, half_life=1.0)) == approx({"a": a, "b": b, "c": c})


def test_time_decay_uses_ages_when_given(paths: PathCounts) -> None:
    ages = np.array([20.0, 10.0, 10.0, 0.0, 3.0, 10.0, 10.0])
    aged = dataclasses.replace(paths, ages=ages)
    # path 1 weights 1/4, 1/2, 1/2, 1 (sum 9/4); path 3 equal ages -> 1/2 each
    r = time_decay(aged, half_life=10.0)
    a = F(4) * (F(1, 4) + 1) / F(9, 4) + 1
    assert r.credit("a") == pytest.approx(float(a))
    assert r.credit("c") == pytest.approx(float(F(4) * F(1, 2) / F(9, 4) + 1))


def test_u_shaped(paths: PathCounts) -> None:
    # path 1: a .4 + .4, b .1, c .1 (x4); c alone 1; b > a 50/50 (x2)
    expected = {"a": F(32, 10) + 1, "b": F(4, 10) + 1, "c": F(4, 10) + 1}
    assert credits(u_shaped(paths)) == approx(expected)


def test_w_shaped_and_full_path_with_milestones(paths: PathCounts) -> None:
    marked = dataclasses.replace(
        paths,
        milestones=(("lead", np.array([1, -1, 0])), ("opportunity", np.array([2, -1, 1]))),
    )
    # W: path 1 a .3 + .1 (other), b .3, c .3; path 2 all anchors on c; path 3 b .6, a .3,
    # no other touch -> .1 split over the three anchor slots
    w = {
        "a": F(4) * F(4, 10) + F(2) * (F(3, 10) + F(1, 30)),
        "b": F(4) * F(3, 10) + F(2) * (F(6, 10) + F(2, 30)),
        "c": F(4) * F(3, 10) + 1,
    }
    assert credits(w_shaped(marked)) == approx(w)
    # full path: path 1 anchors a, b, c, a (22.5 % + 2.5 % each); path 3 b, b, a, a
    fp = {"a": F(4) * F(1, 2) + 1, "b": F(4) * F(1, 4) + 1, "c": F(4) * F(1, 4) + 1}
    assert credits(full_path(marked)) == approx(fp)


def test_milestone_models_need_milestones(paths: PathCounts) -> None:
    r = w_shaped(paths)
    assert r.reason == "no_milestones"
    assert not r.ok
    assert sum(r.conversions) == 0


def test_no_conversions_is_a_reason_not_an_error() -> None:
    pc = PathCounts.from_sequences([["a"]], conversions=[0], nulls=[3])
    r = linear(pc)
    assert r.reason == "no_conversions"
    assert r.conversions == (0.0,)


def test_rules_match_channelattribution_heuristic_models_exactly() -> None:
    table = pv.read_csv(FIXTURES / "peer_paths.csv", parse_options=pv.ParseOptions(delimiter=";"))
    pc = PathCounts.from_arrow(
        table,
        path_col="path",
        conversions_col="total_conversions",
        value_col="total_conversion_value",
        null_col="total_null",
    )
    peer = json.loads((FIXTURES / "peer_channelattribution.json").read_text())
    rows = peer["heuristic_models"]
    assert {r["channel_name"] for r in rows} == set(pc.channels)
    for ours, name in ((first_touch(pc), "first_touch"), (last_touch(pc), "last_touch"),
                       (linear(pc), "linear_touch")):  # fmt: skip
        for row in rows:
            ch = row["channel_name"]
            assert ours.credit(ch) == pytest.approx(row[f"{name}_conversions"], rel=1e-12)
            assert ours.credit_value(ch) == pytest.approx(row[f"{name}_value"], rel=1e-12)
