"""Placeholder for ``accord resolve`` (issue #4); its owner replaces this file."""

from __future__ import annotations

from accord.errors import AccordError

__all__ = ["resolve"]


def resolve() -> None:
    """Not built yet (issue #4)."""
    raise AccordError("`accord resolve` is not built yet (issue #4).")
