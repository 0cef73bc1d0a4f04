"""The budget optimiser against SciPy's SLSQP, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_optimum import slsqp_best

from accord.engines.budget import ResponseCurve, budget_scenarios, optimize_budget
from accord.errors import InputError


@st.composite
def curves(draw: st.DrawFn) -> list[ResponseCurve]:
    n = draw(st.integers(2, 5))
    return [
        ResponseCurve(
            channel=f"c{i}",
            coefficient=draw(st.floats(1.0, 1e5)),
            lam=draw(st.floats(0.2, 10.0)),
            spend_scale=draw(st.floats(1.0, 1e4)),
        )
        for i in range(n)
    ]


@settings(max_examples=40, deadline=None)
@given(curves(), st.floats(1.0, 1e5), st.data())
def test_allocation_is_at_least_as_good_as_slsqp_and_respects_bounds(
    cs: list[ResponseCurve], budget: float, data: st.DataObject
) -> None:
    lo = np.array([data.draw(st.floats(0.0, budget / (2 * len(cs)))) for _ in cs])
    hi = np.array([data.draw(st.floats(budget / len(cs), budget)) for _ in cs])
    bounds = {c.channel: (float(a), float(b)) for c, a, b in zip(cs, lo, hi, strict=True)}
    got = optimize_budget(cs, budget=budget, historical=[1.0] * len(cs), bounds=bounds)
    assert got.status == "ok"
    spend = np.array([c.spend for c in got.channels])
    assert spend.sum() == pytest.approx(budget, rel=1e-9)
    assert np.all(spend >= lo - 1e-9 * budget)
    assert np.all(spend <= hi + 1e-9 * budget)
    reference = slsqp_best(cs, budget, lo, hi)
    per_period = sum(c.response for c in got.channels)
    assert per_period >= reference - 1e-6 * max(abs(reference), 1.0)


@settings(max_examples=60, deadline=None)
@given(curves(), st.floats(1.0, 1e5))
def test_marginal_returns_are_equal_off_the_bounds(cs: list[ResponseCurve], budget: float) -> None:
    got = optimize_budget(cs, budget=budget, historical=[1.0] * len(cs), cap_at_support=False)
    inside = [c for c in got.channels if c.at_bound is None]
    for c in inside:
        assert c.marginal_return == pytest.approx(got.marginal_return, rel=1e-6)
    # KKT: a channel held at 0 has a marginal return no higher than the common one.
    for c in got.channels:
        if c.at_bound == "lower":
            assert c.marginal_return <= got.marginal_return * (1 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(curves(), st.floats(1.0, 1e5))
def test_more_budget_never_lowers_the_optimal_response(
    cs: list[ResponseCurve], budget: float
) -> None:
    half, once, twice = budget_scenarios(
        cs, budget=budget, historical=[1.0] * len(cs), cap_at_support=False
    )
    assert half.response <= once.response * (1 + 1e-12) <= twice.response * (1 + 1e-12)
    assert [s.budget for s in (half, once, twice)] == [budget / 2, budget, 2 * budget]


@settings(max_examples=60, deadline=None)
@given(curves(), st.floats(1.0, 1e5), st.lists(st.floats(0.0, 100.0), min_size=5, max_size=5))
def test_optimum_beats_the_historical_mix(
    cs: list[ResponseCurve], budget: float, mix: list[float]
) -> None:
    historical = mix[: len(cs)]
    got = optimize_budget(cs, budget=budget, historical=historical, cap_at_support=False)
    assert got.uplift >= -1e-9 * max(abs(got.historical_response), 1.0)
    spends = [c.historical_spend for c in got.channels]
    assert sum(spends) == pytest.approx(budget)


def test_two_identical_channels_split_evenly() -> None:
    a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0)
    b = ResponseCurve("b", coefficient=100.0, lam=2.0, spend_scale=10.0)
    got = optimize_budget([a, b], budget=10.0, historical=[9.0, 1.0])
    assert [c.spend for c in got.channels] == pytest.approx([5.0, 5.0])
    assert got.uplift > 0


def test_periods_scale_the_responses() -> None:
    a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0)
    b = ResponseCurve("b", coefficient=50.0, lam=1.0, spend_scale=10.0)
    one = optimize_budget([a, b], budget=8.0, historical=[1.0, 1.0])
    many = optimize_budget([a, b], budget=8.0, historical=[1.0, 1.0], periods=13)
    assert many.response == pytest.approx(13 * one.response)
    assert many.uplift == pytest.approx(13 * one.uplift)


def test_spend_is_capped_at_the_supported_range_unless_lifted() -> None:
    strong = ResponseCurve(
        "strong", coefficient=1000.0, lam=0.5, spend_scale=10.0, supported_spend=6.0
    )
    weak = ResponseCurve("weak", coefficient=100.0, lam=1.0, spend_scale=10.0, supported_spend=20.0)
    capped = optimize_budget([strong, weak], budget=10.0, historical=[1.0, 1.0])
    assert capped.channels[0].spend == pytest.approx(6.0)
    assert capped.channels[0].at_bound == "upper"
    assert not capped.extrapolated
    lifted = optimize_budget(
        [strong, weak], budget=10.0, historical=[1.0, 1.0], bounds={"strong": (None, np.inf)}
    )
    assert lifted.channels[0].spend > 6.0
    assert lifted.channels[0].beyond_support


def test_caps_are_lifted_when_the_budget_does_not_fit_under_them() -> None:
    a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0, supported_spend=5.0)
    b = ResponseCurve("b", coefficient=100.0, lam=2.0, spend_scale=10.0, supported_spend=5.0)
    got = optimize_budget([a, b], budget=30.0, historical=[1.0, 1.0])
    assert got.status == "ok"
    assert got.extrapolated
    assert sum(c.spend for c in got.channels) == pytest.approx(30.0)


def test_bounds_that_cannot_meet_the_budget_are_infeasible() -> None:
    a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0)
    b = ResponseCurve("b", coefficient=100.0, lam=2.0, spend_scale=10.0)
    low = optimize_budget([a, b], budget=10.0, historical=[1, 1], bounds={"a": (0, 2), "b": (0, 3)})
    assert low.status == "infeasible"
    assert "between" in str(low.reason)
    high = optimize_budget(
        [a, b], budget=10.0, historical=[1, 1], bounds={"a": (6, None), "b": (6, None)}
    )
    assert high.status == "infeasible"


def test_a_channel_without_response_only_gets_its_lower_bound() -> None:
    dead = ResponseCurve("dead", coefficient=0.0, lam=2.0, spend_scale=10.0)
    live = ResponseCurve("live", coefficient=100.0, lam=2.0, spend_scale=10.0)
    got = optimize_budget([dead, live], budget=10.0, historical=[5, 5], bounds={"dead": (1, None)})
    assert [c.spend for c in got.channels] == pytest.approx([1.0, 9.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -1.0}, "non-negative"),
        ({"budget": 10.0, "bounds": {"nope": (0.0, 1.0)}}, "unknown channel"),
        ({"budget": 10.0, "bounds": {"a": (5.0, 1.0)}}, "lower <= upper"),
        ({"budget": 10.0, "periods": 0}, "periods"),
    ],
)
def test_bad_arguments_are_input_errors(kwargs: dict[str, object], message: str) -> None:
    a = ResponseCurve("a", coefficient=100.0, lam=2.0, spend_scale=10.0)
    with pytest.raises(InputError, match=message):
        optimize_budget([a], historical=[1.0], **kwargs)
