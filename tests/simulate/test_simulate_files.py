"""The simulated files are the real export layouts and agree with their manifest."""

from __future__ import annotations

import csv
import fnmatch
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from accord.data.schema import TABLES
from accord.simulate.company import LOAD_ORDER

if TYPE_CHECKING:
    from conftest import Company

PRESETS = Path(__file__).resolve().parents[2] / "src" / "accord" / "data" / "sources" / "presets"
NOT_EXPORTED = {
    # lifecycle stages HubSpot does not own in the simulated company (Salesforce does)
    ("hubspot-contacts", "sql"),
    ("hubspot-contacts", "opportunity"),
    ("hubspot-contacts", "customer"),
    ("hubspot-contacts", "evangelist"),
}


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        row = next(reader)
        if path.name == "google-ads-campaigns.csv":  # report title and date range first
            row = next(reader)
            row = next(reader)
        return row


def _records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if path.name == "google-ads-campaigns.csv":
        return [r for r in rows[3:] if not r[0].startswith("Total:")]
    return rows[1:]


def _first_candidates(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, first candidate header) of every mapped column of a preset."""
    out: list[tuple[str, str]] = []
    for target in spec["targets"]:
        sid = target["source_id"]
        for cand in sid if isinstance(sid[0], list) else [sid]:
            out.append(("source_id", cand[0]))
        for column, cands in target.get("columns", {}).items():
            out.append((column, cands[0]))
        for stage, cands in target.get("melt", {}).get("columns", {}).items():
            if (spec["name"], stage) not in NOT_EXPORTED:
                out.append((stage, cands[0]))
    return out


def test_manifest_lists_every_file_in_load_order_with_its_row_count(company: Company) -> None:
    manifest = json.loads((company.dir / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["accounts"] == 1000
    names = [f["path"] for f in manifest["files"]]
    assert names.index("accord-accounts.csv") < names.index("salesforce-opportunities.csv")
    assert names.index("accord-campaigns.csv") < names.index("accord-spend.csv")
    assert names.index("hubspot-contacts.csv") < names.index("accord-touchpoints.csv")
    for entry in manifest["files"]:
        assert len(_records(company.dir / entry["path"])) == entry["rows"], entry["path"]
        assert entry["rows"] > 0, entry["path"]
    assert [f.path.name for f in company.summary.files] == names


@pytest.mark.parametrize(
    "preset", sorted(f[:-4] for f in LOAD_ORDER if not f.startswith("accord-"))
)
def test_export_headers_carry_the_first_candidate_of_every_mapped_column(
    company: Company, preset: str
) -> None:
    spec = yaml.safe_load((PRESETS / f"{preset}.yaml").read_text())
    header = _header(company.dir / f"{preset}.csv")
    for column, cand in _first_candidates(spec):
        if cand.startswith("@"):  # derived from another header, e.g. the currency in "(USD)"
            continue
        assert any(fnmatch.fnmatchcase(h, cand) for h in header), (preset, column, cand)


@pytest.mark.parametrize("name", sorted(f for f in LOAD_ORDER if f.startswith("accord-")))
def test_canonical_files_use_the_canonical_columns(company: Company, name: str) -> None:
    table = TABLES[name.removeprefix("accord-").removesuffix(".csv")]
    assert _header(company.dir / name) == list(table.column_names)


def test_canonical_enums_hold_except_for_planted_bad_rows(company: Company) -> None:
    bad = {(b["file"], b["row"]) for b in company.truth["bad_rows"]}
    for table in TABLES.values():
        path = company.dir / f"accord-{table.name}.csv"
        if not path.exists():
            continue
        frame = company.frame(path.name)
        for column, allowed in table.enum_columns().items():
            values = frame[column].dropna()
            ok = values.str.lower().isin([a.lower() for a in allowed])
            rows = {(path.name, int(i) + 2) for i in values.index[~ok]}
            assert rows <= bad, (table.name, column, values[~ok].unique()[:5])


def test_bad_rows_are_few_and_where_the_ground_truth_says(company: Company) -> None:
    bad = company.truth["bad_rows"]
    total = sum(f["rows"] for f in company.truth["files"])
    kinds = {b["reason"] for b in bad}
    assert len(kinds) >= 3
    assert len(bad) <= max(3, 0.001 * total)
    for b in bad:
        frame = company.frame(b["file"])
        row = frame.iloc[b["record"] - 1]
        assert b["row"] == b["record"] + 1  # spreadsheet row: the header is row 1
        assert (row[b["column"]] if isinstance(row[b["column"]], str) else "") == b["value"]
        assert b["source_id"] in row.to_numpy().tolist()


def test_identity_truth_names_records_that_exist(company: Company) -> None:
    identity = company.sidecar("identity")
    where = {
        ("hubspot", "contact"): ("hubspot-contacts.csv", "Record ID"),
        ("salesforce", "lead"): ("salesforce-leads.csv", "Lead ID"),
        ("salesforce", "contact"): ("salesforce-opportunities.csv", "Contact ID"),
        ("zendesk", "requester"): ("zendesk-tickets.csv", "Requester id"),
        ("stripe", "billing_contact"): ("stripe-invoices.csv", "Customer"),
        ("product", "product_user"): ("accord-product_events.csv", "contact_id"),
        ("delighted", "survey_response"): ("accord-feedback.csv", "source_id"),
    }
    for (system, kind), group in identity.groupby(["source_system", "kind"]):
        name, column = where[(system, kind)]
        present = set(company.frame(name)[column].dropna())
        if (system, kind) == ("salesforce", "contact"):  # converted contacts: leads file too
            present |= set(company.frame("salesforce-leads.csv")["Converted Contact ID"].dropna())
        assert set(group["source_id"]) <= present, (system, kind)
    assert identity.duplicated(["source_system", "source_id"]).sum() == 0
    per_person = identity.groupby("person_id").size()
    assert (per_person >= 2).mean() > 0.3  # the same people really are in several systems
    hubspot = identity[identity.source_system == "hubspot"].groupby("person_id").size()
    assert (hubspot >= 2).sum() > 20  # duplicates inside HubSpot too


def test_account_truth_names_records_that_exist(company: Company) -> None:
    accounts = company.sidecar("accounts")
    files = {
        "salesforce": ("accord-accounts.csv", "source_id"),
        "hubspot": ("accord-accounts.csv", "source_id"),
        "zendesk": ("zendesk-tickets.csv", "Organization id"),
        "stripe": ("stripe-invoices.csv", "Customer"),
        "product": ("accord-product_events.csv", "account_id"),
    }
    for system, group in accounts.groupby("source_system"):
        name, column = files[system]
        assert set(group["source_id"]) <= set(company.frame(name)[column].dropna()), system
    # every account id in HubSpot contacts is a company the truth knows
    hubspot = set(
        company.frame("hubspot-contacts.csv")["Associated Company IDs (Primary)"].dropna()
    )
    assert hubspot <= set(accounts["source_id"])


def test_people_look_different_in_each_system(company: Company) -> None:
    identity = company.sidecar("identity")
    hs = company.frame("hubspot-contacts.csv").merge(
        identity[identity.kind == "contact"], left_on="Record ID", right_on="source_id"
    )
    sf = company.frame("salesforce-leads.csv").merge(
        identity[identity.kind == "lead"], left_on="Lead ID", right_on="source_id"
    )
    pair = hs.merge(sf, on="person_id", suffixes=("_hs", "_sf")).drop_duplicates("Lead ID")
    assert len(pair) > 500
    differ = (pair["Email_hs"].str.lower() != pair["Email_sf"].str.lower()).mean()
    assert 0.15 < differ < 0.6
    assert (pair["First Name_hs"] != pair["First Name_sf"]).mean() > 0.05
    assert pair["Email_sf"].str.contains(r"\+", na=False).any()  # plus-addressing
    assert (pair["Company Name"] != pair["Company"]).mean() > 0.3
    phones = pair["Phone"].dropna()
    assert phones.str.match(r"^\(\d{3}\) \d{3}-\d{4}$").any()
    assert phones.str.match(r"^\+\d+$").any()
