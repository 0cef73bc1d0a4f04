"""Placeholder for ``accord feedback`` (issue #5); its owner replaces this file."""

from __future__ import annotations

import typer

from accord.errors import AccordError

__all__ = ["app"]

app = typer.Typer(help="Not built yet (issue #5).", no_args_is_help=True)


@app.command("todo")
def todo() -> None:
    """Not built yet (issue #5)."""
    raise AccordError("`accord feedback` is not built yet (issue #5).")
