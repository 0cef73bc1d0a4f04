"""``accord budget`` on the demo workspace: the fit, a proposal and its approval."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import Result

Invoke = Callable[..., Result]


def _weekly_spend(data: Path) -> pd.Series:
    google = pd.read_csv(data / "google-ads-campaigns.csv", skiprows=2, thousands=",")
    google = google[~google.Day.astype(str).str.startswith("Total")]
    meta = pd.read_csv(data / "meta-ads.csv")
    other = pd.read_csv(data / "accord-spend.csv")
    other = other[other.amount >= 0]
    frame = pd.concat(
        [
            pd.DataFrame({"date": google.Day, "channel": "paid_search", "amount": google.Cost}),
            pd.DataFrame(
                {"date": meta.Day, "channel": "paid_social", "amount": meta["Amount spent (USD)"]}
            ),
            other[["date", "channel", "amount"]],
        ]
    )
    days = pd.to_datetime(frame.date)
    weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return frame.groupby("channel").amount.sum() / weeks.nunique()


def test_workspace_fit_uses_the_weekly_spend(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    ws, _ = demo_run
    result = invoke("budget", "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    mean = _weekly_spend(ws / "data")
    fitted = {c["channel"]: c["mean_spend"] for c in doc["channels"]}
    assert fitted == pytest.approx(mean.to_dict())
    allocation = doc["allocation"]
    assert sum(c["spend"] for c in allocation["channels"]) == pytest.approx(mean.sum())
    assert {c["name"] for c in doc["citations"]} == {"paid_spend", "revenue"}


def test_proposal_needs_finance_and_marketing_leads(demo_copy: Path, invoke: Invoke) -> None:
    made = invoke("budget", "propose", "-w", demo_copy, "--as", "marketing-member",
                  "--note", "more search", "--format", "json")  # fmt: skip
    assert made.exit_code == 0, made.output
    proposal = json.loads(made.stdout)
    pid = str(proposal["id"])
    assert proposal["status"] == "proposed"
    assert sum(c["after"] for c in proposal["channels"]) == pytest.approx(proposal["budget"])

    for user in ("marketing-member", "finance-member", "sales-lead"):
        refused = invoke("budget", "approve", pid, "--as", user, "-w", demo_copy)
        assert refused.exit_code != 0
        assert "cannot decide a budget proposal" in refused.stderr
    first = invoke("budget", "approve", pid, "--as", "finance-lead", "-w", demo_copy)
    assert first.exit_code == 0, first.output
    assert "Still awaiting marketing" in first.stdout
    again = invoke("budget", "approve", pid, "--as", "finance-lead", "-w", demo_copy)
    assert "finance has already approved" in again.stderr
    second = invoke("budget", "approve", pid, "--as", "marketing-lead", "-w", demo_copy)
    assert "It is now approved" in second.stdout

    listed = invoke("budget", "proposals", "-w", demo_copy, "--format", "json")
    [row] = json.loads(listed.stdout)
    assert row["status"] == "approved"
    assert [(d["user"], d["decision"]) for d in row["decisions"]] == [
        ("finance-lead", "approve"),
        ("marketing-lead", "approve"),
    ]


def test_rejected_proposal_stays_rejected(demo_copy: Path, invoke: Invoke) -> None:
    made = invoke("budget", "propose", "-w", demo_copy, "--as", "finance-lead", "-f", "json")
    assert made.exit_code == 0, made.output
    pid = str(json.loads(made.stdout)["id"])
    no_reason = invoke("budget", "reject", pid, "--as", "finance-lead", "-w", demo_copy)
    assert no_reason.exit_code != 0
    rejected = invoke("budget", "reject", pid, "--as", "finance-lead", "--why", "too early",
                      "-w", demo_copy)  # fmt: skip
    assert rejected.exit_code == 0, rejected.output
    late = invoke("budget", "approve", pid, "--as", "marketing-lead", "-w", demo_copy)
    assert "already rejected" in late.stderr
    listed = invoke("budget", "proposals", "-w", demo_copy, "--status", "rejected", "-f", "json")
    [row] = json.loads(listed.stdout)
    assert row["decisions"][-1]["reason"] == "too early"
