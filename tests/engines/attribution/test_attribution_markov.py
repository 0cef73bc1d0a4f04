"""Markov removal effects: hand-solved chains and ChannelAttribution's markov_model."""

from __future__ import annotations

import importlib
import json
import math
from fractions import Fraction as F
from pathlib import Path

import pyarrow.csv as pv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.attribution import AttributionResult, PathCounts, markov

# the package re-exports the function under the module's name; patch the module itself
markov_module = importlib.import_module("accord.engines.attribution.markov")

FIXTURES = Path(__file__).parent / "fixtures"


def test_first_order_chain_solved_by_hand() -> None:
    # a > b > a: 3 conversions, 1 null, value 30; b: 1 conversion, 2 null, value 5.
    # Counts: start->a 4, a->b 4, b->a 4, a->conv 3, a->null 1, start->b 3,
    # b->conv 1, b->null 2 (the repeat a > a does not occur; consecutive repeats are
    # collapsed anyway). x_a = x_b/2 + 3/8, x_b = 4/7 x_a + 1/7 -> x_a = 5/8, x_b = 1/2,
    # P(conv) = 4/7 * 5/8 + 3/7 * 1/2 = 4/7. Without a: 3/7 * 1/7 = 3/49 -> RE_a = 25/28;
    # without b: 4/7 * 3/8 = 3/14 -> RE_b = 5/8.
    pc = PathCounts.from_sequences(
        [["a", "b", "a"], ["b"]], conversions=[3, 1], nulls=[1, 2], value=[30, 5]
    )
    r = markov(pc)
    assert r.markov is not None
    assert r.markov.conversion_probability == pytest.approx(4 / 7)
    re_a, re_b = F(25, 28), F(5, 8)
    assert r.markov.removal_effects == pytest.approx((float(re_a), float(re_b)))
    assert r.credit("a") == pytest.approx(float(4 * re_a / (re_a + re_b)))  # 40/17
    assert r.credit("b") == pytest.approx(float(4 * re_b / (re_a + re_b)))  # 28/17
    # Value: rewards V_s / N_s = 30/8 at a, 5/7 at b -> E[V] = 5 (= 35 / 7 journeys);
    # without a: 3/7 * 5/7 -> RE = 46/49; without b: 4/7 * 15/4 -> RE = 4/7.
    rv_a, rv_b = F(46, 49), F(4, 7)
    assert r.markov.removal_effects_value == pytest.approx((float(rv_a), float(rv_b)))
    assert r.credit_value("a") == pytest.approx(float(35 * rv_a / (rv_a + rv_b)))  # 805/37


def test_second_order_chain_solved_by_hand() -> None:
    # a > b (1 conv, 1 null), b > a (0, 2), a (1, 0).
    # Order 2 states (a,b), (b,a), (a): P(conv) = 2/5 * 1/2 + 1/5 = 2/5.
    # Removing a removes every state -> RE_a = 1; removing b leaves (a) -> 1/5, RE_b = 1/2.
    pc = PathCounts.from_sequences(
        [["a", "b"], ["b", "a"], ["a"]], conversions=[1, 0, 1], nulls=[1, 2, 0]
    )
    r2 = markov(pc, order=2)
    assert r2.markov is not None
    assert r2.markov.removal_effects == pytest.approx((1.0, 0.5))
    assert (r2.credit("a"), r2.credit("b")) == pytest.approx((4 / 3, 2 / 3))
    assert set(r2.markov.transition_matrix.states) == {
        "a > b", "b > a", "a", "(start)", "(conversion)", "(null)",
    }  # fmt: skip
    # Order 1 on the same paths: x_a = 3/8, x_b = 7/16, P = 2/5;
    # RE_a = 1 - (2/5 * 1/4) / (2/5) = 3/4, RE_b = 1 - (3/5 * 1/5) / (2/5) = 7/10.
    r1 = markov(pc, order=1)
    assert (r1.credit("a"), r1.credit("b")) == pytest.approx((30 / 29, 28 / 29))


def test_without_nulls_only_converting_paths_count() -> None:
    # Without nulls every walk converts; RE_c = P(visit c) over converting journeys.
    pc = PathCounts.from_sequences(
        [["a", "b"], ["b"], ["c"]], conversions=[1, 3, 0], nulls=[5, 0, 7]
    )
    r = markov(pc, include_nulls=False)
    assert r.markov is not None
    assert r.markov.conversion_probability == pytest.approx(1.0)
    # start->a 1/4, start->b 3/4; a->b; so P(visit a) = 1/4, P(visit b) = 1
    assert r.markov.removal_effects == pytest.approx((0.25, 1.0, 0.0))
    assert r.credit("c") == 0.0
    assert dict(r.parameters)["include_nulls"] is False


def test_transition_matrix_rows_sum_to_one() -> None:
    pc = PathCounts.from_sequences([["a", "a", "b"], ["b", "c"]], conversions=[1, 2], nulls=[3, 1])
    tm = markov(pc).markov.transition_matrix  # type: ignore[union-attr]
    rows: dict[str, float] = {}
    for rec in tm.as_records():
        assert rec["from"] != rec["to"]  # repeats collapsed, as ChannelAttribution does
        rows[str(rec["from"])] = rows.get(str(rec["from"]), 0.0) + float(rec["probability"])
    assert rows == pytest.approx({"(start)": 1.0, "a": 1.0, "b": 1.0, "c": 1.0})


def test_nothing_to_attribute_is_reason_coded() -> None:
    assert markov(PathCounts.from_sequences([["a"]], conversions=[0])).reason == ("no_conversions")
    assert markov(PathCounts.from_sequences([], conversions=[])).reason == "no_paths"


@pytest.fixture(scope="module")
def peer_paths() -> PathCounts:
    table = pv.read_csv(FIXTURES / "peer_paths.csv", parse_options=pv.ParseOptions(delimiter=";"))
    return PathCounts.from_arrow(
        table,
        path_col="path",
        conversions_col="total_conversions",
        value_col="total_conversion_value",
        null_col="total_null",
    )


PEER = json.loads((FIXTURES / "peer_channelattribution.json").read_text())


@pytest.mark.parametrize("key", sorted(PEER["markov_model"]))
def test_matches_channelattribution_within_its_simulation_error(
    peer_paths: PathCounts, key: str
) -> None:
    """The peer simulates the chain; we solve it. Differences must be sampling noise.

    The peer reports one run of ``nsim / nfold`` simulated walks, so its removal effect
    ``RE_c`` (a proportion of simulated conversions) has standard error
    ``sqrt(RE (1 - RE) / (P(conv) nsim / nfold))``; we allow 4 of them. Attributed
    conversions and value must agree within 4 % (about 3 standard errors of the
    smallest channel's share on this file).
    """
    order = int(key.split(",")[0].split("=")[1])
    with_null = key.endswith("True")
    ours = markov(peer_paths, order=order, include_nulls=with_null)
    assert ours.markov is not None
    runs = PEER["nsim_start"] / PEER["nfold"]
    n_conv = ours.markov.conversion_probability * runs
    peer = PEER["markov_model"][key]
    our_re = dict(zip(ours.channels, ours.markov.removal_effects, strict=True))
    for row in peer["removal_effects"]:
        re = our_re[row["channel_name"]]
        se = math.sqrt(re * (1 - re) / n_conv)
        assert abs(row["removal_effects_conversion"] - re) <= 4 * se
    for row in peer["result"]:
        ch = row["channel_name"]
        assert ours.credit(ch) == pytest.approx(row["total_conversions"], rel=0.04)
        assert ours.credit_value(ch) == pytest.approx(row["total_conversion_value"], rel=0.04)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6),
            st.integers(0, 4),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=10,
    ).filter(lambda rows: sum(c for _, c, _ in rows) > 0),
    st.integers(1, 3),
)
def test_sparse_and_dense_solvers_agree(rows: list[tuple[list[str], int, int]], order: int) -> None:
    """Large state spaces take the sparse path; force it on small inputs and compare."""
    pc = PathCounts.from_sequences(
        [p for p, _, _ in rows],
        conversions=[c for _, c, _ in rows],
        nulls=[n for *_, n in rows],
        value=[float(c) * 3 for _, c, _ in rows],
    )
    dense = markov(pc, order=order)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(markov_module, "_DENSE_COUNTS", 0)
        mp.setattr(markov_module, "_DENSE_LIMIT", 0)
        sparse = markov(pc, order=order)
    assert sparse.conversions == pytest.approx(dense.conversions, rel=1e-9, abs=1e-12)
    assert sparse.value == pytest.approx(dense.value, rel=1e-9, abs=1e-12)

    def triples(r: AttributionResult) -> dict[tuple[str, str], float]:
        assert r.markov is not None
        return {
            (str(t["from"]), str(t["to"])): float(t["probability"])
            for t in r.markov.transition_matrix.as_records()
        }

    assert triples(sparse) == pytest.approx(triples(dense))
