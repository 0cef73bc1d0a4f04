"""``accord goals``: every goal in force against its target, with pace, on the demo company."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Invoke = Callable[..., Result]


def test_goals_report_progress_and_pace_citing_versions(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    demo_dir, _ = demo_run
    result = invoke("goals", "--as-of", "2025-04-01", "-f", "json", "-w", demo_dir)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["as_of"], data["pending"]) == ("2025-04-01", [])
    goals = {g["goal"]["name"]: g for g in data["goals"]}
    assert sorted(goals) == ["company_revenue_2025", "marketing_pipeline_2025", "mql_volume_2025"]
    mqls = goals["mql_volume_2025"]
    cited = (mqls["goal"]["version"], mqls["metric"]["metric"], mqls["metric"]["version"])
    assert cited == (1, "mqls", 1)
    assert [s["user"] for s in mqls["goal"]["signed_by"]] == ["marketing-lead", "sales-lead"]
    # the value is the metric over the goal's period up to the as-of day ...
    metric = invoke(
        "metric", "mqls", "--from", "2025-01-01", "--to", "2025-04-01", "-f", "json", "-w", demo_dir
    )
    [row] = json.loads(metric.stdout)["rows"]
    assert mqls["value"] == row["value"]
    # ... and the pace is attainment over the share of 2025 elapsed (90 of 365 days)
    assert mqls["elapsed"] == 90 / 365
    assert mqls["attainment"] == mqls["value"] / 4800
    assert mqls["pace"] == mqls["attainment"] / (90 / 365)
    assert mqls["status"] == ("on-track" if mqls["pace"] >= 1 else "behind")


def test_goals_table_and_a_period_that_is_over(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    demo_dir, _ = demo_run
    result = invoke("goals", "--as-of", "2026-01-01", "-w", demo_dir)
    assert result.exit_code == 0, result.output
    assert "Goals (measured on data before 2026-01-01)" in result.stdout
    assert "mql_volume_2025 v1" in result.stdout
    assert "mqls v1" in result.stdout
    lines = [line for line in result.stdout.splitlines() if "_2025 v1" in line]
    assert len(lines) == 3
    assert all(line.split()[-1] in ("met", "missed") and "100%" in line for line in lines)


def test_goals_not_in_force_are_listed_apart(invoke: Invoke, initialised: Path) -> None:
    root = initialised  # read only
    result = invoke("goals", "-w", root)
    assert result.exit_code == 0, result.output
    assert "No goal is in force" in result.stderr
    assert (
        "Not in force yet (awaiting signatures): company_revenue_2025, marketing_pipeline_2025, "
        "mql_volume_2025."
    ) in result.stderr
    bad = invoke("goals", "--as-of", "soon", "-w", root)
    assert bad.exit_code == 2
