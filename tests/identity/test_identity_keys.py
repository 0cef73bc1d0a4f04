"""Resolved keys join the crosswalk, and fall back to ``system:id`` without one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from accord.data.warehouse import open_warehouse
from accord.identity.keys import PERSON_CROSSWALK, with_account_id, with_person_id


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_system": ["hubspot", "salesforce", "salesforce", "hubspot"],
            "contact_id": ["h1", "L1", "L2", None],
            "account_id": ["c1", None, "a9", None],
            "stage": ["mql", "sal", "sql", "lead"],
        }
    )


def test_without_a_crosswalk_each_record_is_its_own_person(tmp_path: Path) -> None:
    with open_warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}") as wh:
        wh.backend.create_table("events", _events())
        out = (
            with_person_id(wh, wh.table("events"), account_out="acct")
            .to_pyarrow()
            .to_pandas(types_mapper=pd.ArrowDtype)
            .astype(object)
            .where(lambda f: f.notna(), None)
        )
        assert out["person_id"].tolist() == ["hubspot:h1", "salesforce:L1", "salesforce:L2", None]
        assert out["acct"].isna().all()
        accounts = (
            with_account_id(wh, wh.table("events"))
            .to_pyarrow()
            .to_pandas(types_mapper=pd.ArrowDtype)
            .astype(object)
            .where(lambda f: f.notna(), None)
        )
        assert accounts["resolved_account_id"].tolist()[:3] == ["hubspot:c1", None, "salesforce:a9"]


def test_crosswalk_merges_records_across_systems(tmp_path: Path) -> None:
    with open_warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}") as wh:
        wh.backend.create_table("events", _events())
        xw = pd.DataFrame(
            {
                "source_system": ["hubspot", "salesforce"],
                "record_id": ["h1", "L1"],
                "record_kind": ["contact", "lead"],
                "person_id": ["P1", "P1"],
                "account_id": ["A1", "A1"],
                "match_probability": [1.0, 0.99],
                "decided_by": ["email", "model"],
                "run_id": ["r", "r"],
                "resolved_at": pd.to_datetime(["2026-01-01", "2026-01-01"]),
            }
        )
        wh.backend.create_table(PERSON_CROSSWALK, xw)
        out = (
            with_person_id(wh, wh.table("events"), account_out="acct")
            .to_pyarrow()
            .to_pandas(types_mapper=pd.ArrowDtype)
            .astype(object)
            .where(lambda f: f.notna(), None)
        )
        out = out.sort_values("stage").reset_index(drop=True)
        by_stage = dict(zip(out["stage"], out["person_id"], strict=True))
        assert by_stage == {"mql": "P1", "sal": "P1", "sql": "salesforce:L2", "lead": None}
        assert dict(zip(out["stage"], out["acct"], strict=True))["sal"] == "A1"
        assert len(out) == 4
