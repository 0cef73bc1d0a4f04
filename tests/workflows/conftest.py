"""A small simulated company loaded into a workspace, once per session, for the workflows.

``company`` is the workspace before ``accord resolve`` (keys fall back to
``"<system>:<id>"``); ``resolved_company`` is a copy with the crosswalk tables written from
the simulation's planted truth, as a perfect ``accord resolve`` would write them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.workspace import Workspace
from accord.simulate import simulate_company

ACCOUNTS = 30
SEED = 7


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(simulated files folder, loaded workspace folder); tests must not change them."""
    base = tmp_path_factory.mktemp("company")
    sim, root = base / "sim", base / "ws"
    simulate_company(sim, accounts=ACCOUNTS, seed=SEED, months=12)
    ws = Workspace.init(root)
    manifest = json.loads((sim / "manifest.json").read_text(encoding="utf-8"))
    with ws.warehouse() as wh:
        for entry in manifest["files"]:
            load_file(
                wh,
                sim / entry["path"],
                mapping=get_preset(entry["preset"]),
                timezone=ws.settings.workspace.timezone,
                actor="test",
            )
    return sim, root


@pytest.fixture(scope="session")
def resolved_company(
    company: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """A copy of :func:`company` with ``identity_people``/``identity_accounts`` from truth."""
    sim, root = company
    copy = tmp_path_factory.mktemp("resolved") / "ws"
    shutil.copytree(root, copy)
    ws = Workspace.open(copy)
    people = (sim / "ground_truth" / "identity.csv").as_posix()
    accounts = (sim / "ground_truth" / "accounts.csv").as_posix()
    with ws.warehouse() as wh:
        con = wh.duckdb
        con.execute(
            "create table identity_people as select source_system, source_id as record_id, "
            "kind as record_kind, person_id, nullif(account_id, '') as account_id, "
            "1.0::double as match_probability, 'truth' as decided_by, 'r1' as run_id, "
            f"now()::timestamp as resolved_at from read_csv('{people}', all_varchar=true)"
        )
        con.execute(
            "create table identity_accounts as select source_system, source_id as record_id, "
            "kind as record_kind, account_id, 1.0::double as match_probability, "
            "'truth' as decided_by, 'r1' as run_id, now()::timestamp as resolved_at "
            f"from read_csv('{accounts}', all_varchar=true)"
        )
    return sim, copy
