"""A simulated company as a real workspace: ``accord demo`` (simulate, load every file
through its preset, sign the starter definitions), then the ground-truth identity
clusters written as the ``identity_people`` crosswalk, standing in for ``accord resolve``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli.app import app
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore

ACCOUNTS = 300
SEED = 7


@dataclass
class Company:
    """The workspace, its raw files and the planted truth."""

    root: Path
    data: Path
    truth: dict[str, Any]

    @property
    def workspace(self) -> Workspace:
        return Workspace.open(self.root)


def write_crosswalk(root: Path, identity_csv: Path) -> None:
    """``identity_people`` from the simulator's true clusters (every column of the contract)."""
    ws = Workspace.open(root)
    with ws.warehouse() as wh:
        wh.duckdb.execute(
            "CREATE OR REPLACE TABLE identity_people AS SELECT source_system, "
            "source_id AS record_id, kind AS record_kind, person_id, account_id, "
            "1.0::DOUBLE AS match_probability, 'truth' AS decided_by, 'test' AS run_id, "
            f"TIMESTAMP '2026-01-01' AS resolved_at FROM read_csv('{identity_csv}', "
            "all_varchar = true)"
        )


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    root = tmp_path_factory.mktemp("revenue") / "ws"
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--dir",
            str(root),
            "--accounts",
            str(ACCOUNTS),
            "--seed",
            str(SEED),
            "--no-serve",
        ],
        env={"ACCORD_WORKSPACE": None, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    data = root / "data"
    write_crosswalk(root, data / "ground_truth" / "identity.csv")
    truth = json.loads((data / "ground_truth.json").read_text())
    return Company(root=root, data=data, truth=truth)


@pytest.fixture
def store(company: Company) -> Any:
    with company.workspace.state() as state:
        yield SqlDefinitionStore(state)
