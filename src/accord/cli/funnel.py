"""Placeholder for ``accord funnel`` (issue #5); its owner replaces this file."""

from __future__ import annotations

from accord.errors import AccordError

__all__ = ["funnel"]


def funnel() -> None:
    """Not built yet (issue #5)."""
    raise AccordError("`accord funnel` is not built yet (issue #5).")
