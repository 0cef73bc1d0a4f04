"""Accord: one revenue picture, signed definitions, and the loops that keep teams aligned."""

from __future__ import annotations

from accord.errors import AccordError

__all__ = ["AccordError", "__version__"]

__version__ = "0.1.0"
