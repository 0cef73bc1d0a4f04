"""The ``owners`` table from HubSpot's users export and Salesforce's Users report: the
sample files' values (read off by hand) and bad rows quarantined with their reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.data.catalog import quarantine_rows
from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.warehouse import Warehouse, open_warehouse

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
COLUMNS = (
    "owner_id, full_name, first_name, last_name, email, team, role, region, active, department"
)


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with open_warehouse("duckdb:///" + str(tmp_path / "w.duckdb")) as wh:
        yield wh


def _row(wh: Warehouse, system: str, where: str) -> tuple[object, ...]:
    row = wh.duckdb.execute(
        f"SELECT {COLUMNS} FROM owners WHERE source_system = ? AND {where}", [system]
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_hubspot_users_export(warehouse: Warehouse) -> None:
    report = load_file(
        warehouse, EXAMPLES / "hubspot-users.csv", mapping=get_preset("hubspot-users")
    )
    assert (report.rows_read, report.inserted, report.quarantined) == (16, 16, 0)
    assert _row(warehouse, "hubspot", "owner_id = '61004237'") == (
        "61004237", None, "Isabella", "García", "isabella.garcia@northwind.example",
        "SDR \u2013 EMEA", "Sales Development Rep", None, None, None,
    )  # fmt: skip
    # A user in no team has no team (not an empty string).
    assert _row(warehouse, "hubspot", "last_name = 'Reyes'")[5] is None


def test_salesforce_users_report(warehouse: Warehouse) -> None:
    report = load_file(
        warehouse, EXAMPLES / "salesforce-users.csv", mapping=get_preset("salesforce-users")
    )
    assert (report.rows_read, report.inserted, report.quarantined) == (16, 16, 0)
    assert _row(warehouse, "salesforce", "full_name = 'Lucas Dubois'") == (
        "0058c0000000003AAA", "Lucas Dubois", None, None, "lucas.dubois@northwind.example",
        "SDR - EMEA", "Standard User", "EMEA", False, "sales",
    )  # fmt: skip
    # "Customer Success" is Accord's service team; "Operations" is no Accord team.
    assert _row(warehouse, "salesforce", "full_name = 'Harper Lewis'")[-1] == "service"
    assert _row(warehouse, "salesforce", "full_name = 'Sophie Martin'")[-1] is None


def test_bad_rows_are_quarantined_with_their_reason(warehouse: Warehouse, tmp_path: Path) -> None:
    hubspot = tmp_path / "users.csv"
    hubspot.write_text(
        "User ID,First Name,Last Name,Email Address,Assigned Teams,Assigned Role\n"
        "101,Ada,Byron,ada@x.example,SDR \u2013 NA,Sales Development Rep\n"
        ",Bob,Nobody,bob@x.example,SDR \u2013 NA,Sales Development Rep\n",
        encoding="utf-8",
    )
    report = load_file(warehouse, hubspot, mapping=get_preset("hubspot-users"))
    assert (report.inserted, report.quarantined) == (1, 1)
    salesforce = tmp_path / "sf-users.csv"
    salesforce.write_text(
        "Full Name,Email,Role,Profile,User ID,Active\n"
        "Ada Byron,ada@x.example,SDR - NA,Standard User,005A,TRUE\n"
        "Cy Young,cy@x.example,SDR - NA,Standard User,005B,perhaps\n",
        encoding="utf-8",
    )
    report = load_file(warehouse, salesforce, mapping=get_preset("salesforce-users"))
    assert (report.inserted, report.quarantined) == (1, 1)
    problems = {
        (p["file"].rsplit("/", 1)[-1], p["column_name"], p["value"]): p["reason"]
        for p in quarantine_rows(warehouse).to_pylist()
    }
    assert ("sf-users.csv", "Active", "perhaps") in problems
    assert "true/false" in problems["sf-users.csv", "Active", "perhaps"]
    missing = {k: v for k, v in problems.items() if k[0] == "users.csv"}
    assert missing
    assert all("missing" in reason for reason in missing.values())
