"""The ``accord`` command line: a thin layer over the library (STYLE.md #11).

Commands parse arguments, call the same functions the web app calls, and render the
result; :mod:`accord.cli._errors` maps the error tree to exit codes in one place, and
``python -m accord.cli.docs`` generates ``docs/cli.md`` from the commands.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Entry point of the ``accord`` command."""
    from accord.cli.app import app

    app()
