"""The tiny arithmetic language of derived metrics (never Python ``eval``).

Grammar (precedence climbing, left-associative)::

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := NUMBER | NAME | "(" expr ")" | "-" factor

``NAME`` is a metric name (lower snake case). Nothing else is accepted: no calls, no
attributes, no comparisons. :func:`parse` returns a frozen tree that the compiler folds into
an Ibis expression and the validator inspects (which metrics are referenced, which pairs are
added together).

Examples
--------
>>> tree = parse("opportunities_created * win_rate * average_deal_size / sales_cycle_days")
>>> sorted(references(tree))
['average_deal_size', 'opportunities_created', 'sales_cycle_days', 'win_rate']
>>> evaluate(parse("100 * (a - b) / c"), {"a": 0.5, "b": 0.2, "c": 1.0})
30.0
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar, assert_never

__all__ = [
    "BinOp",
    "ExpressionError",
    "Neg",
    "Node",
    "Num",
    "Ref",
    "added_pairs",
    "evaluate",
    "fold",
    "parse",
    "references",
]

Op = Literal["+", "-", "*", "/"]


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal."""

    value: float


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to another metric by name."""

    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    """A binary arithmetic operation."""

    op: Op
    left: Node
    right: Node


Node = Num | Ref | Neg | BinOp


class ExpressionError(ValueError):
    """The text is not a valid derived-metric expression (pydantic reports it)."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<name>[a-z][a-z0-9_]*)|(?P<op>[-+*/()]))"
)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos:].strip()[:1]!r} at {pos + 1}")
        out.append(m.group(m.lastgroup or "op"))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("expression ends too early")
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) in ("+", "-"):
            self.take()
            node = BinOp("+" if tok == "+" else "-", node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (tok := self.peek()) in ("*", "/"):
            self.take()
            node = BinOp("*" if tok == "*" else "/", node, self.factor())
        return node

    def factor(self) -> Node:
        tok = self.take()
        if tok == "-":
            return Neg(self.factor())
        if tok == "(":
            node = self.expr()
            if self.take() != ")":
                raise ExpressionError("missing ')'")
            return node
        if tok[0].isdigit() or tok[0] == ".":
            return Num(float(tok))
        if tok[0].isalpha():
            return Ref(tok)
        raise ExpressionError(f"unexpected {tok!r}")


def parse(text: str) -> Node:
    """Parse *text* into an expression tree (``ExpressionError`` if it is not valid)."""
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise ExpressionError("empty expression")
    node = parser.expr()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()!r} after a complete expression")
    return node


def _walk(node: Node) -> Iterator[Node]:
    yield node
    match node:
        case Neg(operand):
            yield from _walk(operand)
        case BinOp(_, left, right):
            yield from _walk(left)
            yield from _walk(right)
        case Num() | Ref():
            pass


def references(node: Node) -> frozenset[str]:
    """Names of the metrics the expression refers to."""
    return frozenset(n.name for n in _walk(node) if isinstance(n, Ref))


def added_pairs(node: Node) -> set[tuple[str, str]]:
    """Pairs of metrics that end up added to or subtracted from each other.

    For every ``+`` or ``-`` node, each metric referenced on the left is paired with each
    metric referenced on the right (scaling does not make two quantities summable).
    """
    pairs: set[tuple[str, str]] = set()
    for n in _walk(node):
        if isinstance(n, BinOp) and n.op in ("+", "-"):
            for a in references(n.left):
                for b in references(n.right):
                    pairs.add((min(a, b), max(a, b)))
    return pairs


T = TypeVar("T")


def fold(
    node: Node,
    *,
    num: Callable[[float], T],
    ref: Callable[[str], T],
    neg: Callable[[T], T],
    binop: Callable[[Op, T, T], T],
) -> T:
    """Fold the tree bottom-up with one function per node type."""

    def go(n: Node) -> T:
        match n:
            case Num(value):
                return num(value)
            case Ref(name):
                return ref(name)
            case Neg(operand):
                return neg(go(operand))
            case BinOp(op, left, right):
                return binop(op, go(left), go(right))
            case _:
                assert_never(n)

    return go(node)


def _py_binop(op: Op, a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    match op:
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "/":
            return None if b == 0 else a / b
        case _:
            assert_never(op)


def evaluate(node: Node, values: Mapping[str, float | None]) -> float | None:
    """Evaluate with plain numbers (``None`` propagates; division by zero gives ``None``)."""
    return fold(
        node,
        num=float,
        ref=lambda name: values[name],
        neg=lambda v: None if v is None else -v,
        binop=_py_binop,
    )
