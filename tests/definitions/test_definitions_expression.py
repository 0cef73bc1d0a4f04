"""The derived-metric expression language: a parser that accepts arithmetic over metric
names and nothing else, checked against Python's own arithmetic on generated expressions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.definitions.expression import (
    ExpressionError,
    added_pairs,
    evaluate,
    parse,
    references,
)

VALUES = {"a": 3.0, "b": -2.5, "c": 7.0, "d": 0.5}


def _expr(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(sorted(VALUES)), st.integers(1, 9).map(str))
    if depth == 0:
        return leaf
    sub = _expr(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(" ".join),
        sub.map(lambda e: f"({e})"),
        sub.map(lambda e: f"-{e}"),
    )


@settings(max_examples=200, deadline=None)
@given(_expr(4))
def test_evaluation_follows_python_arithmetic(text: str) -> None:
    # The oracle is CPython's evaluation of the same text with the same values; the parser
    # under test never calls eval.
    try:
        expected = eval(text, {"__builtins__": {}}, dict(VALUES))  # the test oracle
    except ZeroDivisionError:
        expected = None
    got = evaluate(parse(text), VALUES)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a +",
        "(a",
        "a b",
        "a ** 2",
        "__import__('os')",
        "a.b",
        "f(a)",
        "a == b",
        "A + 1",
        "1e3",
    ],
)
def test_anything_but_arithmetic_is_rejected(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_references_and_added_pairs() -> None:
    tree = parse("(sourced + 0.5 * influenced) / spend - refunds")
    assert references(tree) == {"sourced", "influenced", "spend", "refunds"}
    assert added_pairs(tree) == {
        ("influenced", "sourced"),
        ("influenced", "refunds"),
        ("refunds", "sourced"),
        ("refunds", "spend"),
    }
    assert added_pairs(parse("sourced / influenced")) == set()


def test_precedence_and_associativity() -> None:
    assert evaluate(parse("8 - 4 - 2"), {}) == 2.0
    assert evaluate(parse("8 / 4 / 2"), {}) == 1.0
    assert evaluate(parse("2 + 3 * 4"), {}) == 14.0
    assert evaluate(parse("-(2 + 3) * 4"), {}) == -20.0
    assert evaluate(parse("a / 0"), {"a": 1.0}) is None
    assert evaluate(parse("a + b"), {"a": 1.0, "b": None}) is None
