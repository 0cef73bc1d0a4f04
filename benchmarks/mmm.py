"""Benchmark: time and memory of the marketing-mix fit and the budget optimiser.

Usage::

    .venv/bin/python benchmarks/mmm.py
    .venv/bin/python benchmarks/mmm.py --bootstrap 200 --repeat 5

Data sets: PyMC-Marketing's ``mmm_example.csv`` (179 weeks, 2 channels, 2 events) and seeded
simulations from ``tests/engines/budget/mmm_simulator.py`` (5 channels x 260 weeks, and
10 channels x 520 weeks). For each, the point fit (grid search + polish) and the fit with the
block bootstrap are timed, best of ``--repeat``, in wall-clock and CPU seconds (the machine
may be shared: CPU time is the steadier figure); peak memory is the largest ``tracemalloc``
peak of one fit. Accuracy against the planted truth is printed alongside, so a faster but
wrong fit cannot pass unnoticed.

The peer, PyMC-Marketing, samples the same model by MCMC (NUTS) and takes minutes on
``mmm_example.csv``; it is not installed here (PyMC and its compiler toolchain), so no
side-by-side figure is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from accord.engines.budget import FitSettings, MMMFit, fit_mmm, optimize_budget

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "fixtures" / "budget" / "mmm_example.csv"
sys.path.insert(0, str(ROOT / "tests" / "engines" / "budget"))
from mmm_simulator import simulate_mmm  # noqa: E402  (a test helper, not a package)


@dataclass(frozen=True)
class Case:
    name: str
    fit: Callable[[FitSettings], MMMFit]
    truth: np.ndarray


def example_case() -> Case:
    frame = pd.read_csv(EXAMPLE)

    def fit(settings: FitSettings) -> MMMFit:
        return fit_mmm(
            frame[["x1", "x2"]].to_numpy(),
            frame["y"].to_numpy(),
            channels=["x1", "x2"],
            dates=frame["date_week"].to_numpy().astype("datetime64[D]"),
            controls=frame[["event_1", "event_2"]].to_numpy(),
            control_names=["event_1", "event_2"],
            settings=settings,
        )

    return Case("mmm_example.csv (179 w x 2 ch)", fit, np.array([274_848.0, 65_906.0]))


def simulated_case(seed: int, n_channels: int, n_weeks: int) -> Case:
    sim = simulate_mmm(seed, n_channels=n_channels, n_weeks=n_weeks)

    def fit(settings: FitSettings) -> MMMFit:
        return fit_mmm(
            sim.spend,
            sim.target,
            channels=sim.channels,
            dates=sim.dates,
            controls=sim.controls,
            control_names=sim.control_names,
            settings=settings,
        )

    return Case(
        f"simulated seed {seed} ({n_weeks} w x {n_channels} ch)", fit, sim.true_contribution
    )


def timed(run: Callable[[], MMMFit], repeat: int) -> tuple[float, float, MMMFit]:
    best_wall, best_cpu, result = np.inf, np.inf, None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert result is not None
    return best_wall, best_cpu, result


def peak_mib(run: Callable[[], MMMFit]) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", type=int, default=100, help="resamples (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    cases = [example_case(), simulated_case(7, 5, 260), simulated_case(3, 10, 520)]
    print(f"{'data set':36} {'fit':>16} {'fit + bootstrap':>20} {'peak MiB':>9}  worst error")
    for case in cases:
        point = FitSettings(bootstrap=0)
        boot = FitSettings(bootstrap=args.bootstrap)
        wall0, cpu0, fit = timed(lambda c=case, s=point: c.fit(s), args.repeat)
        wall1, cpu1, _ = timed(lambda c=case, s=boot: c.fit(s), max(1, args.repeat // 2))
        memory = peak_mib(lambda c=case, s=boot: c.fit(s))
        fitted = np.array([ch.contribution for ch in fit.channels])
        worst = float(np.max(np.abs(fitted / case.truth - 1.0)))
        print(
            f"{case.name:36} {wall0:6.2f} s ({cpu0:4.2f} cpu) {wall1:7.2f} s ({cpu1:5.2f} cpu)"
            f" {memory:9.1f}  {worst:.1%}"
        )
        start = time.perf_counter()
        for _ in range(100):
            optimize_budget(
                fit.curves, budget=sum(c.mean_spend for c in fit.channels),
                historical=[c.mean_spend for c in fit.channels],
            )  # fmt: skip
        print(f"{'':36} optimiser: {(time.perf_counter() - start) * 10:.2f} ms per allocation")
    print(f"(bootstrap: {args.bootstrap} moving-block resamples; times are best of runs)")


if __name__ == "__main__":
    main()
