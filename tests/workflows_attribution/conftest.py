"""A simulated company loaded into a workspace, before and after identity resolution.

Built once per session (1,000 accounts: about 20 s): the simulator's files that
attribution reads are loaded through their presets, the starter definitions are signed,
and a copy gets the crosswalk tables written from the planted identities
(``ground_truth/identity.csv`` and ``accounts.csv``), standing in for ``accord resolve``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accord.cli.demo import demo_users, sign_starter
from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.simulate import simulate_company

ACCOUNTS = 1000
SEED = 7
FILES = (
    "accord-accounts.csv",
    "hubspot-contacts.csv",
    "salesforce-leads.csv",
    "salesforce-opportunities.csv",
    "accord-touchpoints.csv",
    "accord-lifecycle_events.csv",
)


@dataclass(frozen=True)
class Company:
    """The simulated files, their truth, and two workspaces made from them."""

    data: Path
    truth: dict[str, Any]
    unresolved: Path
    resolved: Path


def write_crosswalk(root: Path, truth_dir: Path) -> None:
    """The crosswalk tables of ``accord.identity.keys`` from the planted identities."""
    with Workspace.open(root).warehouse() as wh:
        con = wh.duckdb
        con.execute(
            "CREATE OR REPLACE TABLE identity_people AS SELECT source_system, source_id AS "
            "record_id, kind AS record_kind, person_id, NULLIF(account_id, '') AS account_id, "
            "1.0 AS match_probability, 'truth' AS decided_by, 'truth' AS run_id, "
            "TIMESTAMP '2026-01-01' AS resolved_at FROM read_csv(?, all_varchar = true)",
            [str(truth_dir / "identity.csv")],
        )
        con.execute(
            "CREATE OR REPLACE TABLE identity_accounts AS SELECT source_system, source_id AS "
            "record_id, kind AS record_kind, account_id, 1.0 AS match_probability, 'truth' AS "
            "decided_by, 'truth' AS run_id, TIMESTAMP '2026-01-01' AS resolved_at "
            "FROM read_csv(?, all_varchar = true)",
            [str(truth_dir / "accounts.csv")],
        )


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    base = tmp_path_factory.mktemp("attribution-company")
    data = base / "data"
    summary = simulate_company(data, accounts=ACCOUNTS, seed=SEED)
    presets = {f.path.name: f.preset for f in summary.files}
    ws = Workspace.init(base / "unresolved")
    with ws.warehouse() as wh:
        for name in FILES:
            load_file(wh, data / name, mapping=get_preset(presets[name]), actor="test")
    with ws.state() as state:
        demo_users(state)
        sign_starter(SqlDefinitionStore(state))
    resolved = base / "resolved"
    shutil.copytree(ws.root, resolved)
    write_crosswalk(resolved, data / "ground_truth")
    truth = json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))
    return Company(data=data, truth=truth, unresolved=ws.root, resolved=resolved)
