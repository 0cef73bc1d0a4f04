"""Rich progress bars behind the library's progress callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from accord.cli._render import err

__all__ = ["TaskBar", "progress_bars"]


@contextmanager
def progress_bars() -> Iterator[Progress]:
    """A Rich progress display on stderr (plain lines when stderr is not a terminal)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=False,
    ) as progress:
        yield progress


class TaskBar:
    """One bar, callable as the loader's ``Progress`` protocol.

    Parameters
    ----------
    progress
        The display it belongs to.
    description
        Shown until the first update brings its own.
    """

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self.task: TaskID = progress.add_task(description, total=None)

    def __call__(self, *, completed: float, total: float, description: str) -> None:
        self._progress.update(self.task, completed=completed, total=total, description=description)

    def step(self, label: str, done: int, total: int) -> None:
        """The simulator's ``(label, done, total)`` callback."""
        self._progress.update(self.task, completed=done, total=total, description=label)

    def finish(self) -> None:
        """Fill the bar (e.g. when the file was loaded before and nothing was read)."""
        task = self._progress.tasks[self.task]
        total = task.total if task.total else 1
        self._progress.update(self.task, completed=total, total=total)
