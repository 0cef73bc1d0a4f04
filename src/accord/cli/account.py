"""Placeholder for ``accord account QUERY`` (issue #4); its owner replaces this file."""

from __future__ import annotations

from accord.errors import AccordError

__all__ = ["account"]


def account() -> None:
    """Not built yet (issue #4)."""
    raise AccordError("`accord account QUERY` is not built yet (issue #4).")
