"""``accord simulate``: a synthetic B2B company written as real export files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accord.cli._errors import note_interrupt
from accord.cli._options import Format, OutputFormat
from accord.cli._progress import TaskBar, progress_bars
from accord.cli._render import emit_rows, err

if TYPE_CHECKING:
    from accord.simulate import SimulationSummary

__all__ = ["run_simulation", "simulate"]


def run_simulation(out_dir: Path, *, accounts: int, seed: int, months: int) -> SimulationSummary:
    """Simulate with a progress bar on stderr."""
    # imported here: the simulator pulls in numpy-heavy modules no other command needs
    from accord.simulate import simulate_company

    with progress_bars() as progress:
        bar = TaskBar(progress, "simulating")
        summary = simulate_company(
            out_dir, accounts=accounts, seed=seed, months=months, progress=bar.step
        )
        bar.finish()
    return summary


def simulate(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the files.", file_okay=False)
    ],
    accounts: Annotated[int, typer.Option(help="Number of companies.", min=1)] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same company).")] = 42,
    months: Annotated[int, typer.Option(help="Months of history.", min=1)] = 24,
    fmt: Format = OutputFormat.table,
) -> None:
    """Write a coherent synthetic company as export files, plus ground_truth.json.

    The files use the real export layouts (HubSpot, Salesforce, Google Ads, ...), so they
    load with `accord load FILE --preset NAME`; manifest.json lists each file's preset.
    """
    note_interrupt(ctx, f"interrupted; {out} may hold some files of an unfinished simulation")
    summary = run_simulation(out, accounts=accounts, seed=seed, months=months)
    rows = [{"file": f.path.name, "preset": f.preset, "rows": f.rows} for f in summary.files]
    emit_rows(rows, columns=("file", "preset", "rows"), fmt=fmt, title=str(out))
    err().print(f"Ground truth: {summary.ground_truth_path}")
    err().print(
        f"Load them: accord load FILE --preset PRESET (in the order above; {out}/manifest.json)"
    )
