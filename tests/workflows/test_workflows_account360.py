"""The account 360 against the raw simulated files and the planted truth."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from accord.data.workspace import Workspace
from accord.errors import NotFound
from accord.workflows.account360 import (
    KINDS,
    AmbiguousAccount,
    account_timeline,
    find_accounts,
)

Truth = tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]


def _truth(sim: Path) -> Truth:
    """(system, record) -> true account, for person-like and company-like records."""
    ppl = pd.read_csv(sim / "ground_truth" / "identity.csv", dtype=str).dropna(
        subset=["account_id"]
    )
    acc = pd.read_csv(sim / "ground_truth" / "accounts.csv", dtype=str)
    return _pairs(ppl), _pairs(acc)


def _pairs(df: pd.DataFrame) -> dict[tuple[str, str], str]:
    return dict(zip(zip(df.source_system, df.source_id, strict=True), df.account_id, strict=True))


def _bad(sim: Path, file: str) -> set[str]:
    gt = json.loads((sim / "ground_truth.json").read_text(encoding="utf-8"))
    return {str(b["source_id"]) for b in gt["bad_rows"] if b["file"] == file}


def _belongs(
    df: pd.DataFrame,
    system: str | pd.Series,
    person_col: str,
    account_col: str | None,
    truth: Truth,
    acct: str,
) -> pd.Series:
    """Rows whose person record or company record truly belongs to *acct*."""
    person, account = truth
    sys_ = system if isinstance(system, pd.Series) else pd.Series(system, index=df.index)
    by_person = [person.get((s, r)) == acct for s, r in zip(sys_, df[person_col], strict=True)]
    hit = pd.Series(by_person, index=df.index)
    if account_col is not None:
        by_acct = [account.get((s, r)) == acct for s, r in zip(sys_, df[account_col], strict=True)]
        hit = hit | pd.Series(by_acct, index=df.index)
    return hit


def _expected_counts(sim: Path, acct: str) -> dict[str, int]:
    """Rows of each kind for *acct*, computed with pandas from the export files."""
    truth = _truth(sim)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(sim / name, dtype=str)

    out: dict[str, int] = {}
    plain = [
        ("touch", "accord-touchpoints.csv"),
        ("stage", "accord-lifecycle_events.csv"),
        ("activity", "accord-activities.csv"),
    ]
    for kind, file in plain:
        df = read(file)
        df = df[~df.source_id.isin(_bad(sim, file))]
        out[kind] = int(
            _belongs(df, df.source_system, "contact_id", "account_id", truth, acct).sum()
        )
    # the CRM presets add stage changes: one per HubSpot "Became a ... Date", one per
    # Salesforce lead and one more per converted lead
    hs = read("hubspot-contacts.csv")
    hs_mine = hs[
        _belongs(hs, "hubspot", "Record ID", "Associated Company IDs (Primary)", truth, acct)
    ]
    became = [c for c in hs.columns if c.startswith("Became a")]
    out["stage"] += int(hs_mine[became].notna().sum().sum())
    leads = read("salesforce-leads.csv")
    my_leads = leads[_belongs(leads, "salesforce", "Lead ID", None, truth, acct)]
    out["stage"] += len(my_leads) + int(my_leads["Converted Date"].notna().sum())
    opp = read("salesforce-opportunities.csv")
    opp = opp[~opp["Opportunity ID"].isin(_bad(sim, "salesforce-opportunities.csv"))]
    mine = opp[_belongs(opp, "salesforce", "Contact ID", "Account ID", truth, acct)]
    out["opportunity"] = len(mine) + int((mine["Closed"].str.upper() == "TRUE").sum())
    ev = read("accord-product_events.csv")
    ev = ev[_belongs(ev, ev.source_system, "contact_id", "account_id", truth, acct)]
    out["usage"] = ev["ts"].str[:7].nunique()
    tk = read("zendesk-tickets.csv")
    out["ticket"] = int(
        _belongs(tk, "zendesk", "Requester id", "Organization id", truth, acct).sum()
    )
    fb = read("accord-feedback.csv")
    fb = fb.assign(pid=fb.contact_id.fillna(fb.feedback_id))
    out["feedback"] = int(_belongs(fb, fb.source_system, "pid", "account_id", truth, acct).sum())
    inv = read("stripe-invoices.csv")
    out["invoice"] = int(_belongs(inv, "stripe", "Customer", "Customer", truth, acct).sum())
    sub = read("accord-subscriptions.csv")
    out["subscription"] = int(
        _belongs(sub, sub.source_system, "account_id", "account_id", truth, acct).sum()
    )
    return out


def _biggest(sim: Path) -> str:
    """The true account with the most person-like records that also pays (has a customer)."""
    acc = pd.read_csv(sim / "ground_truth" / "accounts.csv", dtype=str)
    paying = set(acc.loc[acc.source_system == "stripe", "account_id"])
    ppl = pd.read_csv(sim / "ground_truth" / "identity.csv", dtype=str)
    sizes = ppl[ppl.account_id.isin(paying)].account_id.value_counts()
    return str(sizes.index[0])


def test_counts_per_kind_match_the_raw_files(resolved_company: tuple[Path, Path]) -> None:
    sim, root = resolved_company
    acct = _biggest(sim)
    view = account_timeline(Workspace.open(root), acct)
    expected = _expected_counts(sim, acct)
    assert view.account.account_id == acct
    assert view.account.resolved
    assert view.counts == expected
    assert sum(expected.values()) > 50  # a real account, not an empty one
    # without a limit, the timeline holds every row, in time order
    assert [r.ts for r in view.timeline] == sorted(r.ts for r in view.timeline)
    for kind in KINDS:
        assert sum(r.kind == kind for r in view.timeline) == expected[kind]
    # the people are the truth's people of the account
    ppl = pd.read_csv(sim / "ground_truth" / "identity.csv", dtype=str)
    assert {p.person_id for p in view.people} == set(ppl.loc[ppl.account_id == acct, "person_id"])


def test_a_domain_or_name_finds_the_same_account(resolved_company: tuple[Path, Path]) -> None:
    sim, root = resolved_company
    acct = _biggest(sim)
    accounts = pd.read_csv(sim / "accord-accounts.csv", dtype=str)
    truth = pd.read_csv(sim / "ground_truth" / "accounts.csv", dtype=str)
    sf = truth[(truth.account_id == acct) & (truth.source_system == "salesforce")].source_id
    record = accounts[accounts.account_id.isin(sf)].iloc[0]
    with Workspace.open(root).warehouse(read_only=True) as wh:
        for query in (f"https://www.{record.domain.split('//')[-1].removeprefix('www.')}/",
                      record["name"].upper(), record.account_id):  # fmt: skip
            found = find_accounts(wh, query)
            assert found[0].account_id == acct, query
            assert found[0].score == 1.0, query


def test_window_limit_and_kinds(resolved_company: tuple[Path, Path]) -> None:
    sim, root = resolved_company
    acct = _biggest(sim)
    ws = Workspace.open(root)
    full = account_timeline(ws, acct)
    since = full.timeline[len(full.timeline) // 2].ts
    later = account_timeline(ws, acct, since=since, limit=5, kinds=["touch", "stage"])
    assert len(later.timeline) <= 5
    assert set(later.counts) == {"touch", "stage"}
    kept = [r for r in full.timeline if r.ts >= since and r.kind in ("touch", "stage")]
    assert later.counts == {k: sum(r.kind == k for r in kept) for k in ("touch", "stage")}
    assert [r.source_id for r in later.timeline] == [r.source_id for r in kept][-5:]
    assert later.truncated


def test_before_resolution_the_domain_groups_the_records(company: tuple[Path, Path]) -> None:
    sim, root = company
    accounts = pd.read_csv(sim / "accord-accounts.csv", dtype=str)
    inv = pd.read_csv(sim / "stripe-invoices.csv", dtype=str)
    domain = inv["Customer Email"].str.split("@").str[1].value_counts().index[0]
    view = account_timeline(Workspace.open(root), domain)
    assert not view.account.resolved
    assert view.account.domains == (domain,)
    with_domain = accounts[accounts.domain.fillna("").str.contains(domain, regex=False)]
    assert set(view.account.record_keys) >= set(
        with_domain.source_system + ":" + with_domain.account_id
    )
    # billing rows are linked through the customer's email domain
    customers = set(inv.loc[inv["Customer Email"].str.endswith("@" + domain), "Customer"])
    assert view.counts["invoice"] == int(inv.Customer.isin(customers).sum())
    subs = pd.read_csv(sim / "accord-subscriptions.csv", dtype=str)
    assert view.counts["subscription"] == int(subs.account_id.isin(customers).sum())
    latest = (
        subs[subs.account_id.isin(customers)]
        .sort_values("start_date")
        .groupby("subscription_id")
        .tail(1)
    )
    live = latest[~latest.status.isin(["churned", "cancelled"])]
    assert view.mrr == pytest.approx(live.mrr.astype(float).sum())


def test_ambiguous_and_unknown_queries(company: tuple[Path, Path]) -> None:
    _, root = company
    ws = Workspace.open(root)
    with pytest.raises(AmbiguousAccount) as caught:
        account_timeline(ws, "labs")
    assert len(caught.value.candidates) > 1
    for c in caught.value.candidates:
        assert c.account_id in caught.value.message
    assert caught.value.hint
    with pytest.raises(NotFound, match="No account matches"):
        account_timeline(ws, "no-such-company-anywhere.example")


def test_personal_fields_are_declared(company: tuple[Path, Path]) -> None:
    sim, root = company
    inv = pd.read_csv(sim / "stripe-invoices.csv", dtype=str)
    domain = inv["Customer Email"].str.split("@").str[1].value_counts().index[0]
    doc = account_timeline(Workspace.open(root), domain, limit=3).to_json()
    assert "people[].emails" in doc["personal_fields"]
    assert any(p["emails"] for p in doc["people"])
    for path in doc["personal_fields"]:
        head, _, leaf = path.partition("[].")
        assert all(leaf.split(".")[0] in item for item in doc[head])
