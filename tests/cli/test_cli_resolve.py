"""``accord resolve`` and the workspace commands of ``accord identity`` on the demo company."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Invoke = Callable[..., Result]


def test_demo_reports_identity_against_planted_truth(demo_run: tuple[Path, Result]) -> None:
    _, result = demo_run
    assert result.exit_code == 0, result.output
    assert "person records ->" in result.output
    assert "people vs planted truth" in result.output
    assert "accounts vs planted truth" in result.output


def test_resolve_keeps_ids_and_review_decisions_apply(invoke: Invoke, demo_copy: Path) -> None:
    result = invoke("resolve", "-f", "json", "-w", demo_copy)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # the demo resolved already: a re-run keeps every id
    assert summary["people_new"] == 0
    assert summary["people_kept"] == summary["people"]
    assert summary["person_records"] > summary["people"]

    listed = invoke("identity", "review", "-f", "json", "--band", "0:1", "-w", demo_copy)
    assert listed.exit_code == 0, listed.output
    pairs = json.loads(listed.stdout)
    assert pairs
    pair = pairs[0]["pair"]
    decided = invoke("identity", "review", "--accept", pair, "--as", "sam", "-w", demo_copy)
    assert decided.exit_code == 0, decided.output
    shown = json.loads(invoke("identity", "overrides", "-f", "json", "-w", demo_copy).stdout)
    assert [(o["kind"], o["by"], o["origin"]) for o in shown] == [("merge", "sam", "review")]
    again = json.loads(
        invoke("identity", "review", "-f", "json", "--band", "0:1", "-w", demo_copy).stdout
    )
    assert pair not in {p["pair"] for p in again}
    rerun = json.loads(invoke("resolve", "-f", "json", "-w", demo_copy).stdout)
    assert rerun["overrides"] == 1

    bad = invoke("identity", "review", "--band", "0.9:0.1", "-w", demo_copy)
    assert bad.exit_code != 0
    assert "--band" in bad.output


def test_merge_needs_a_reason_and_known_records(invoke: Invoke, demo_copy: Path) -> None:
    result = invoke(
        "identity", "merge", "hubspot:nobody", "hubspot:noone", "--why", "x", "-w", demo_copy
    )
    assert result.exit_code != 0
    assert "no person record" in result.output


def test_resolve_with_no_records_fails_clearly(invoke: Invoke, workspace: Path) -> None:
    result = invoke("resolve", "-w", workspace)
    assert result.exit_code != 0
    assert "no contact-like or company-like records" in result.output
    assert "accord load" in result.output
