"""Combine the inputs of a ratio or derived metric into one value per period and slice.

Each input is an aggregated table (keys + ``value``) or a constant. The tables are stacked
and pivoted with one filtered aggregate per input: ``GROUP BY`` treats null keys as equal
on every backend, where a ``FULL JOIN ... ON a IS NOT DISTINCT FROM b`` does not run on
PostgreSQL. A missing count or sum reads as 0; a division by zero gives null.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from typing import assert_never

import ibis
import ibis.expr.types as ir

from accord.definitions.expression import Node, Op, evaluate, fold

__all__ = ["combine"]


def _binop(op: Op, a: ir.NumericValue, b: ir.NumericValue) -> ir.NumericValue:
    match op:
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "/":
            return a / b.nullif(0)
        case _:
            assert_never(op)


def combine(
    tree: Node,
    parts: Mapping[str, ir.Table | float],
    *,
    keys: tuple[str, ...],
    additive: Set[str],
) -> ir.Table | float:
    """Evaluate expression *tree* over *parts* (input name → table or constant).

    Returns a table (keys + ``value``), or a float (NaN for null) when every input is a
    constant.
    """
    constants = {n: p for n, p in parts.items() if isinstance(p, float)}
    tables = {n: p for n, p in parts.items() if not isinstance(p, float)}
    if not tables:
        result = evaluate(tree, constants)
        return math.nan if result is None else result
    stacked = ibis.union(
        *(
            t.select(*keys, __input=ibis.literal(n), __value=t["value"].cast("float64"))
            for n, t in tables.items()
        )
    )
    pivots = {f"__m_{n}": stacked["__value"].max(where=stacked["__input"] == n) for n in tables}
    wide = stacked.group_by(*keys).aggregate(**pivots) if keys else stacked.aggregate(**pivots)

    def ref(name: str) -> ir.NumericValue:
        if name in constants:
            return ibis.literal(constants[name], type="float64")
        column: ir.NumericValue = wide[f"__m_{name}"]
        return column.fill_null(0) if name in additive else column

    value = fold(
        tree,
        num=lambda v: ibis.literal(v, type="float64"),
        ref=ref,
        neg=lambda v: -v,
        binop=_binop,
    )
    return wide.select(*keys, value=value)
