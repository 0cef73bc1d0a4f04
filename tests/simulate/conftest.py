"""One simulated company shared by the simulator's tests (1,000 accounts, ~3 s)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from accord.simulate import SimulationSummary, simulate_company

_FRAMES: dict[tuple[str, str, str], pd.DataFrame] = {}


@dataclass(frozen=True)
class Company:
    """A simulated company and lazy access to its files."""

    summary: SimulationSummary
    truth: dict[str, Any]

    @property
    def dir(self) -> Path:
        return self.summary.out_dir

    def frame(self, name: str, **kwargs: Any) -> pd.DataFrame:
        """A file read as text (every column a string, empty fields as NA); a copy of a
        cached read, so tests may change it."""
        key = (str(self.dir), name, repr(sorted(kwargs.items())))
        if key not in _FRAMES:
            _FRAMES[key] = self._read(name, **kwargs)
        return _FRAMES[key].copy()

    def _read(self, name: str, **kwargs: Any) -> pd.DataFrame:
        return pd.read_csv(
            self.dir / name, dtype=str, keep_default_na=False, na_values=[""], **kwargs
        )

    def sidecar(self, name: str) -> pd.DataFrame:
        return self.frame(f"ground_truth/{name}.csv")


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    out = tmp_path_factory.mktemp("company")
    summary = simulate_company(out, accounts=1000, seed=7)
    return Company(summary, json.loads(summary.ground_truth_path.read_text()))
