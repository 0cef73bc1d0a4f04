"""The one place where errors become exit codes and messages.

Every command runs inside :class:`AccordGroup.invoke`, which catches what the command
raises: an :class:`~accord.errors.AccordError` becomes one readable message with its hint
on stderr and the exit code of :data:`EXIT_CODES`; Ctrl-C exits 130 saying what state
things were left in; anything else is a bug (exit 70) and says how to report it. A
traceback is shown only with ``accord --debug``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.text import Text
from typer._click.exceptions import ClickException  # typer vendors click; no public alias
from typer.core import TyperGroup

from accord.errors import (
    AccordError,
    Conflict,
    InputError,
    NotFound,
    PermissionDenied,
    StoreError,
)

__all__ = [
    "BUG_EXIT",
    "EXIT_CODES",
    "INTERRUPT_EXIT",
    "AccordGroup",
    "CliState",
    "exit_code",
    "note_interrupt",
]

EXIT_CODES: tuple[tuple[type[AccordError], int, str], ...] = (
    (InputError, 2, "a file or argument is wrong as a whole (usage errors exit 2 too)"),
    (NotFound, 3, "a named thing does not exist (also: no workspace here)"),
    (StoreError, 4, "a store cannot be used: warehouse locked, schema to upgrade, server down"),
    (PermissionDenied, 5, "the acting user may not do this"),
    (Conflict, 6, "the action contradicts the current state (e.g. workspace exists)"),
    (AccordError, 1, "any other Accord error (configuration, missing optional package)"),
)
"""Exit code of each branch of the error tree, most specific first (documented in cli.md)."""

BUG_EXIT = 70  # EX_SOFTWARE in sysexits.h: an internal error
INTERRUPT_EXIT = 130  # 128 + SIGINT, what shells report for Ctrl-C


def exit_code(error: AccordError) -> int:
    """The exit code for *error*: the first entry of :data:`EXIT_CODES` it is an instance of.

    :class:`~accord.errors.WorkspaceNotFound` is a configuration error in the tree but a
    "not found" for the user, so it exits 3.
    """
    from accord.errors import WorkspaceNotFound

    if isinstance(error, WorkspaceNotFound):
        return 3
    for cls, code, _ in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 1  # pragma: no cover - AccordError is the last entry


@dataclass
class CliState:
    """Per-invocation state kept on the root context (``ctx.obj``)."""

    debug: bool = False
    interrupt_note: str = "interrupted; nothing was changed"


def note_interrupt(ctx: typer.Context, note: str) -> None:
    """Set what Ctrl-C reports from now on (when a command has made lasting changes)."""
    state = ctx.find_root().obj
    if isinstance(state, CliState):
        state.interrupt_note = note


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(error: AccordError) -> None:
    """Print *error* as ``Error: message`` and ``Hint: hint`` on stderr."""
    console = _stderr()
    console.print(Text.assemble(("Error: ", "bold red"), error.message))
    if error.hint:
        console.print(Text.assemble(("Hint: ", "bold"), error.hint))


class AccordGroup(TyperGroup):
    """The root command group: runs every command under the error mapping."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        """Run the command; turn what it raises into a message and an exit code."""
        ctx.obj = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
        state: CliState = ctx.obj
        state.debug = state.debug or os.environ.get("ACCORD_DEBUG", "") not in ("", "0")
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except KeyboardInterrupt:
            _stderr().print(f"\n{state.interrupt_note}")
            raise typer.Exit(INTERRUPT_EXIT) from None
        except AccordError as error:
            if state.debug:
                _stderr().print_exception()
            report_error(error)
            raise typer.Exit(exit_code(error)) from None
        except Exception as error:
            console = _stderr()
            if state.debug:
                console.print_exception()
            console.print(
                Text.assemble(
                    ("Error: ", "bold red"),
                    f"Accord hit an internal error ({type(error).__name__}: {error}).",
                )
            )
            console.print(
                Text.assemble(
                    ("Hint: ", "bold"),
                    "This is a bug in Accord; please report it with the output of the same "
                    "command run as `accord --debug ...` (it shows the traceback).",
                )
            )
            raise typer.Exit(BUG_EXIT) from None
