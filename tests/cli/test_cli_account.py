"""``accord account QUERY`` on the demo workspace: JSON shape, CSV, errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import Result

from accord.cli.account import demo_section
from accord.data.workspace import Workspace
from accord.identity.normalise.web import normalise_domain
from accord.workflows.account360 import KINDS, account_timeline

Invoke = Callable[..., Result]


def _a_domain(root: Path) -> str:
    """A web domain of the demo's first CRM account, read straight from the warehouse."""
    with Workspace.open(root).warehouse(read_only=True) as wh:
        t = wh.table("accounts")
        rows = t.filter(t.domain.notnull()).order_by("source_id").limit(1).to_pandas()
    domain = normalise_domain(rows["domain"].iloc[0])
    assert domain
    return domain


def test_json_has_the_python_api_keys(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    root, made = demo_run
    assert made.exit_code == 0, made.output
    domain = _a_domain(root)
    result = invoke("account", domain, "-w", root, "--format", "json", "--limit", "7")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"account", "people", "counts", "mrr", "usage", "since", "until",
                        "truncated", "timeline", "personal_fields", "free_text_fields"}  # fmt: skip
    assert domain in doc["account"]["domains"]
    assert set(doc["counts"]) == set(KINDS)
    assert 0 < len(doc["timeline"]) <= 7
    row_keys = {"ts", "team", "kind", "summary", "source_system", "source_id", "person",
                "person_name", "details"}  # fmt: skip
    assert all(set(r) == row_keys for r in doc["timeline"])
    assert [r["ts"] for r in doc["timeline"]] == sorted(r["ts"] for r in doc["timeline"])
    assert len(doc["timeline"]) == min(7, sum(doc["counts"].values()))


def test_csv_and_kind_filter(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    root, _ = demo_run
    domain = _a_domain(root)
    as_json = json.loads(
        invoke("account", domain, "-w", root, "-f", "json", "--kind", "touch").stdout
    )
    result = invoke("account", domain, "-w", root, "-f", "csv", "--kind", "touch")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == as_json["counts"]["touch"]
    assert {r["kind"] for r in rows} <= {"touch"}


def test_table_output_names_the_account(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    root, _ = demo_run
    result = invoke("account", _a_domain(root), "-w", root, "--limit", "5")
    assert result.exit_code == 0, result.output
    assert "Timeline" in result.stdout
    assert "People" in result.stdout


def test_errors_are_clear(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    root, _ = demo_run
    missing = invoke("account", "nowhere-at-all.example", "-w", root)
    assert missing.exit_code != 0
    assert "No account matches" in missing.output
    assert "Traceback" not in missing.output
    bad = invoke("account", _a_domain(root), "-w", root, "--since", "yesterday")
    assert bad.exit_code != 0
    assert "YYYY-MM-DD" in bad.output
    kind = invoke("account", _a_domain(root), "-w", root, "--kind", "gossip")
    assert kind.exit_code != 0
    assert "Unknown timeline kind" in kind.output


def test_demo_section_shows_the_biggest_customer(
    demo_run: tuple[Path, Result], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = demo_run
    opps = pd.read_csv(root / "data" / "salesforce-opportunities.csv", dtype=str)
    won = opps[opps["Won"].str.upper() == "TRUE"].copy()
    won["amount"] = pd.to_numeric(won["Amount"], errors="coerce")
    won = won[won["amount"] >= 0]  # the simulator plants a negative amount, quarantined
    best = won.groupby("Account ID")["amount"].sum().sort_values(ascending=False).index[0]
    accounts = pd.read_csv(root / "data" / "accord-accounts.csv", dtype=str)
    name = accounts.loc[accounts.account_id == best, "name"].iloc[0]
    demo_section(Workspace.open(root), lines=10)
    printed = capsys.readouterr().out
    assert "Biggest customer" in printed
    assert name.split()[0] in printed
    assert printed.count("\n") < 40  # a short excerpt


def _bad_ids(root: Path, file: str) -> set[str]:
    """Source ids of the rows the simulator planted as bad in *file* (quarantined on load)."""
    truth = json.loads((root / "data" / "ground_truth.json").read_text(encoding="utf-8"))
    return {str(b["source_id"]) for b in truth["bad_rows"] if b["file"] == file}


def test_timeline_gathers_systems_under_the_resolved_account(
    demo_run: tuple[Path, Result],
) -> None:
    """After the demo's ``accord resolve``: records of several systems, one account id.

    The expectation comes from the crosswalk ``accord resolve`` wrote and the raw export
    files, in pandas: a subscription belongs to the account exactly when its Stripe
    customer is one of the account's company records; a touchpoint belongs at least when
    its company or its contact record is the account's (a person of the account may have
    more records through other people-like tables, so the timeline may hold more).
    """
    root, made = demo_run
    assert made.exit_code == 0, made.output
    with Workspace.open(root).warehouse(read_only=True) as wh:
        assert {"identity_accounts", "identity_people"} <= set(wh.tables())
        xa = wh.duckdb.sql("select * from identity_accounts").df()
        xp = wh.duckdb.sql("select * from identity_people").df()
    data = root / "data"
    subs = pd.read_csv(data / "accord-subscriptions.csv", dtype=str)
    subs = subs[~subs["source_id"].isin(_bad_ids(root, "accord-subscriptions.csv"))]
    subs_key = subs["source_system"] + ":" + subs["account_id"]
    xa_key = xa["source_system"] + ":" + xa["record_id"]
    # The account with company records in the most systems that also pays (ties: by id).
    paying = set(xa.loc[xa_key.isin(set(subs_key)), "account_id"])
    spread = xa[xa["account_id"].isin(paying)].groupby("account_id")["source_system"].nunique()
    acct = sorted(spread.index, key=lambda a: (-spread[a], a))[0]
    assert spread[acct] >= 2, "the demo should link company records across systems"
    company = set(xa_key[xa["account_id"] == acct])
    keys = company | {acct}
    mine = xp[xp["account_id"] == acct]
    people_recs = set(mine["source_system"] + ":" + mine["record_id"])

    view = account_timeline(Workspace.open(root), acct)

    assert view.account.account_id == acct
    assert view.account.resolved
    assert set(view.account.record_keys) == company
    got: dict[str, set[str]] = {}
    for row in view.timeline:
        got.setdefault(row.kind, set()).add(str(row.source_id))
    expected_subs = set(subs.loc[subs_key.isin(keys), "source_id"])
    assert expected_subs
    assert got.get("subscription", set()) == expected_subs
    touches = pd.read_csv(data / "accord-touchpoints.csv", dtype=str)
    touches = touches[~touches["source_id"].isin(_bad_ids(root, "accord-touchpoints.csv"))]
    t_acct = touches["source_system"] + ":" + touches["account_id"]
    t_person = touches["source_system"] + ":" + touches["contact_id"]
    sure = touches[t_acct.isin(keys) | t_person.isin(people_recs)]
    assert set(sure["source_id"]) <= got.get("touch", set())
    # Several systems' records sit under the one resolved account id.
    expected_systems = set(subs.loc[subs_key.isin(keys), "source_system"]) | set(
        sure["source_system"]
    )
    assert len(expected_systems) >= 2
    assert expected_systems <= {row.source_system for row in view.timeline}
    # Every HubSpot contact (raw export) the crosswalk puts in the account is one of its
    # people, under the crosswalk's person id.
    hub = pd.read_csv(data / "hubspot-contacts.csv", dtype=str)
    hub_people = mine[
        (mine["source_system"] == "hubspot") & mine["record_id"].isin(set(hub["Record ID"]))
    ]
    assert not hub_people.empty
    assert set(hub_people["person_id"]) <= {p.person_id for p in view.people}
