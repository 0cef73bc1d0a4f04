"""Fixtures for the definitions tests: golden files and a small hand-built workspace.

Golden files
------------
``snapshot(path, text)`` compares *text* with ``tests/definitions/snapshots/<path>``.
Regenerate them all with::

    ACCORD_SNAPSHOT_UPDATE=1 .venv/bin/pytest tests/definitions

or ``pytest --snapshot-update`` once the option is registered in ``tests/conftest.py``
(pytest only reads options from the root conftest). Review the diff before committing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest

from accord.data.schema import TABLES

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _update_requested(config: pytest.Config) -> bool:
    if os.environ.get("ACCORD_SNAPSHOT_UPDATE") == "1":
        return True
    try:
        return bool(config.getoption("--snapshot-update"))
    except ValueError:  # option not registered by the root conftest
        return False


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with a golden file (or rewrite it when updating)."""
    update = _update_requested(request.config)

    def check(relative: str, text: str) -> None:
        path = SNAPSHOTS / relative
        text = text.rstrip("\n") + "\n"
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path}; run with ACCORD_SNAPSHOT_UPDATE=1")
        assert text == path.read_text(encoding="utf-8"), f"{relative} differs from golden file"

    return check


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _d(text: str) -> date:
    return date.fromisoformat(text)


# A tiny company, small enough to compute every starter metric by hand (the expected values
# are worked out in test_definitions_values.py). Most rows come from the CRM ("crm"); a
# HubSpot copy of contact C1 (same id, another source system, another account) checks that
# joins and distinct counts keep source systems apart.
_ROWS: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {
    "accounts": (
        ("source_system", "source_id", "account_id", "segment", "country"),
        [
            ("crm", "A1", "A1", "smb", "US"),
            ("crm", "A2", "A2", "enterprise", "DE"),
            ("crm", "A3", "A3", "smb", "US"),
            ("hubspot", "A9", "A9", "enterprise", "GB"),
        ],
    ),
    "contacts": (
        (
            "source_system",
            "source_id",
            "contact_id",
            "account_id",
            "country",
            "lead_source",
            "owner_id",
        ),
        [
            ("crm", "C1", "C1", "A1", "US", "paid_search", "R1"),
            ("crm", "C2", "C2", "A2", "DE", "organic_search", "R2"),
            ("crm", "C3", "C3", "A3", "US", "email", "R1"),
            ("crm", "C4", "C4", None, "FR", "paid_social", "R2"),
            ("crm", "C5", "C5", "A1", "US", "events", "R1"),
            ("hubspot", "C1", "C1", "A9", "GB", "webinar", "R9"),
        ],
    ),
    "lifecycle_events": (
        ("source_system", "source_id", "event_id", "contact_id", "stage", "ts", "team", "reason"),
        [
            ("crm", "E1", "E1", "C1", "mql", _ts("2025-01-05 10:00"), "marketing", None),
            ("crm", "E2", "E2", "C2", "mql", _ts("2025-01-10 09:00"), "marketing", None),
            ("crm", "E3", "E3", "C3", "mql", _ts("2025-01-20 12:00"), "marketing", None),
            ("crm", "E4", "E4", "C1", "mql", _ts("2025-01-25 09:00"), "marketing", None),
            ("crm", "E5", "E5", "C4", "mql", _ts("2025-02-03 08:00"), "marketing", None),
            ("crm", "E6", "E6", "C5", "mql", _ts("2025-02-14 00:00"), "marketing", None),
            ("crm", "E7", "E7", "C1", "sal", _ts("2025-01-06 09:00"), "sales", None),
            ("crm", "E8", "E8", "C2", "rejected", _ts("2025-01-11 10:00"), "sales", "bad_fit"),
            ("crm", "E9", "E9", "C3", "sal", _ts("2025-01-21 09:00"), "sales", None),
            ("crm", "E10", "E10", "C4", "sal", _ts("2025-02-04 09:00"), "sales", None),
            ("crm", "E11", "E11", "C5", "rejected", _ts("2025-02-15 09:00"), "sales", "no_budget"),
            ("crm", "E12", "E12", "C1", "sql", _ts("2025-01-15 09:00"), "sales", None),
            ("crm", "E13", "E13", "C3", "sql", _ts("2025-02-02 09:00"), "sales", None),
            ("hubspot", "H1", "H1", "C1", "mql", _ts("2025-01-07 11:00"), "marketing", None),
        ],
    ),
    "activities": (
        ("source_system", "source_id", "activity_id", "contact_id", "rep_id", "ts", "type"),
        [
            ("crm", "X1", "X1", "C1", "R1", _ts("2025-01-05 13:00"), "call"),
            ("crm", "X2", "X2", "C1", "R1", _ts("2025-01-26 10:00"), "email"),
            ("crm", "X3", "X3", "C2", "R2", _ts("2025-01-09 09:00"), "email"),
            ("crm", "X4", "X4", "C2", "R2", _ts("2025-01-11 09:00"), "call"),
            ("crm", "X5", "X5", "C4", "R2", _ts("2025-02-03 20:00"), "call"),
            ("crm", "X6", "X6", "C5", "R1", _ts("2025-02-16 00:00"), "meeting"),
        ],
    ),
    "opportunities": (
        (
            "source_system",
            "source_id",
            "opportunity_id",
            "account_id",
            "created_at",
            "closed_at",
            "amount",
            "is_closed",
            "won",
            "lead_source",
            "owner_id",
        ),
        [
            (
                "crm",
                "O1",
                "O1",
                "A1",
                _ts("2025-01-10 10:00"),
                _ts("2025-02-20 10:00"),
                10000.0,
                True,
                True,
                "paid_search",
                "R1",
            ),
            (
                "crm",
                "O2",
                "O2",
                "A2",
                _ts("2025-01-15 10:00"),
                _ts("2025-02-10 10:00"),
                50000.0,
                True,
                False,
                "organic_search",
                "R2",
            ),
            (
                "crm",
                "O3",
                "O3",
                "A3",
                _ts("2025-02-01 10:00"),
                _ts("2025-03-03 10:00"),
                20000.0,
                True,
                True,
                "email",
                "R1",
            ),
            (
                "crm",
                "O4",
                "O4",
                "A1",
                _ts("2025-02-05 10:00"),
                None,
                5000.0,
                False,
                None,
                "outbound",
                "R1",
            ),
            (
                "crm",
                "O5",
                "O5",
                "A2",
                _ts("2025-02-10 10:00"),
                _ts("2025-02-28 10:00"),
                40000.0,
                True,
                True,
                "partner",
                "R2",
            ),
        ],
    ),
    "spend": (
        ("source_system", "source_id", "date", "channel", "campaign_id", "amount"),
        [
            ("google_ads", "S1", _d("2025-01-03"), "paid_search", "G1", 1000.0),
            ("meta", "S2", _d("2025-01-20"), "paid_social", "M1", 500.0),
            ("google_ads", "S3", _d("2025-02-05"), "paid_search", "G1", 1500.0),
            ("google_ads", "S4", _d("2025-02-25"), "display", "G2", 300.0),
            ("google_ads", "S5", _d("2025-03-01"), "paid_search", "G1", 700.0),
        ],
    ),
    "revenue": (
        ("source_system", "source_id", "invoice_id", "account_id", "ts", "amount", "kind"),
        [
            ("crm", "I1", "I1", "A1", _ts("2025-02-21 00:00"), 10000.0, "new"),
            ("crm", "I2", "I2", "A2", _ts("2025-03-01 00:00"), 40000.0, "new"),
            ("crm", "I3", "I3", "A1", _ts("2025-03-21 00:00"), 10000.0, "renewal"),
            ("crm", "I4", "I4", "A3", _ts("2025-03-05 00:00"), 20000.0, "new"),
        ],
    ),
    "feedback": (
        ("source_system", "source_id", "feedback_id", "channel", "account_id", "ts", "rating"),
        [
            ("survey", "F1", "F1", "nps", "A1", _ts("2025-01-10 00:00"), 10.0),
            ("survey", "F2", "F2", "nps", "A2", _ts("2025-01-11 00:00"), 9.0),
            ("survey", "F3", "F3", "nps", "A3", _ts("2025-01-12 00:00"), 6.0),
            ("survey", "F4", "F4", "nps", "A1", _ts("2025-01-13 00:00"), 8.0),
            ("survey", "F5", "F5", "survey", "A1", _ts("2025-01-14 00:00"), 3.0),
            ("survey", "F6", "F6", "nps", "A2", _ts("2025-01-15 00:00"), None),
        ],
    ),
    "tickets": (
        ("source_system", "source_id", "ticket_id", "account_id", "opened_at", "csat"),
        [
            ("zendesk", "T1", "T1", "A1", _ts("2025-01-03 00:00"), "good"),
            ("zendesk", "T2", "T2", "A2", _ts("2025-01-04 00:00"), "bad"),
            ("zendesk", "T3", "T3", "A3", _ts("2025-01-05 00:00"), "5"),
            ("zendesk", "T4", "T4", "A1", _ts("2025-01-06 00:00"), "2"),
            ("zendesk", "T5", "T5", "A2", _ts("2025-01-07 00:00"), None),
            ("zendesk", "T6", "T6", "A3", _ts("2025-02-07 00:00"), "4"),
        ],
    ),
}

_IBIS_TYPES = {"string": "string", "integer": "int64", "float": "float64", "money": "float64",
               "boolean": "boolean", "date": "date", "timestamp": "timestamp"}  # fmt: skip


def _frame(name: str) -> pd.DataFrame:
    """All canonical columns of *name*; the ones not listed above are null."""
    columns, rows = _ROWS.get(name, ((), []))
    data = {c: [row[columns.index(c)] for row in rows] if c in columns else [None] * len(rows)
            for c in TABLES[name].column_names}  # fmt: skip
    return pd.DataFrame(data)


@pytest.fixture(scope="session")
def frames() -> dict[str, pd.DataFrame]:
    """The hand-built workspace as pandas frames (for independent computations)."""
    return {name: _frame(name) for name in TABLES}


@pytest.fixture(scope="module")
def workspace(frames: dict[str, pd.DataFrame]) -> Iterator[dict[str, ibis.Table]]:
    """The hand-built workspace in an in-memory DuckDB, as Ibis tables."""
    con = ibis.duckdb.connect()
    tables = {}
    for name, frame in frames.items():
        schema = ibis.schema({c.name: _IBIS_TYPES[c.type] for c in TABLES[name].columns})
        tables[name] = con.create_table(name, frame, schema=schema)
    yield tables
    con.disconnect()
