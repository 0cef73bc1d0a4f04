"""Placeholder for ``accord economics`` (issue #7); its owner replaces this file."""

from __future__ import annotations

from accord.errors import AccordError

__all__ = ["economics"]


def economics() -> None:
    """Not built yet (issue #7)."""
    raise AccordError("`accord economics` is not built yet (issue #7).")
