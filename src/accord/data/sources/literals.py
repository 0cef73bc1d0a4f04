"""Checks of the literal values written in a mapping (constants, value maps, melt keys).

A mapping that sets ``channel: paid_serch`` would quarantine every row of every file it
reads; this module catches it when the mapping is loaded instead.
"""

from __future__ import annotations

import datetime as dt

from accord.data.schema import Column

__all__ = ["BOOLEAN_FALSE", "BOOLEAN_TRUE", "literal_problem"]

BOOLEAN_TRUE: tuple[str, ...] = ("true", "t", "yes", "y", "1")
BOOLEAN_FALSE: tuple[str, ...] = ("false", "f", "no", "n", "0")


def literal_problem(column: Column, value: str) -> str | None:
    """Why *value* is not a valid value of *column*, or ``None`` when it is."""
    text = value.strip()
    if column.enum is not None:
        allowed = {e.casefold() for e in column.enum}
        if text.casefold() not in allowed:
            return f"{value!r} is not a valid {column.name} (one of: {', '.join(column.enum)})"
        return None
    kind = column.type
    if kind == "boolean" and text.lower() not in BOOLEAN_TRUE + BOOLEAN_FALSE:
        return f"{value!r} is not a boolean (true/false)"
    if kind in ("integer", "float", "money"):
        try:
            number = float(text)
        except ValueError:
            return f"{value!r} is not a number"
        if column.minimum is not None and number < column.minimum:
            return f"{value!r} is below the minimum {column.minimum:g} of {column.name}"
    if kind in ("date", "timestamp"):
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            return f"{value!r} is not an ISO date"
    return None
