"""``accord demo``: init, simulate, load every file, demo users, signed starter pack,
scorecard; then reuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from accord.data.workspace import Workspace

Invoke = Callable[..., Result]

ACCOUNTS = "60"  # as in demo_run (conftest.py)


@pytest.fixture
def demo(demo_run: tuple[Path, Result]) -> tuple[Path, Result]:
    """The session's small demo (``tests/cli/conftest.py``)."""
    return demo_run


def _status(invoke: Invoke, demo_dir: Path) -> dict[str, Any]:
    result = invoke("status", "-f", "json", "--loads", "100", "-w", demo_dir)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_demo_prints_the_scorecard(demo: tuple[Path, Result]) -> None:
    _, result = demo
    assert result.exit_code == 0, result.output
    for section in ("Accord scorecard", "Tables", "Funnel", "Revenue by month", "Quarantine"):
        assert section in result.stdout
    assert "marketing-lead" in result.stdout
    assert "web app: not started (--no-serve)" in result.stderr


def test_demo_loads_every_simulated_file_through_its_preset(
    demo: tuple[Path, Result], invoke: Invoke
) -> None:
    demo_dir, _ = demo
    manifest = json.loads((demo_dir / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["seed"], manifest["accounts"]) == (42, int(ACCOUNTS))
    status = _status(invoke, demo_dir)
    loads = status["recent_loads"]
    assert sorted(Path(load["path"]).name for load in loads) == sorted(
        Path(f["path"]).name for f in manifest["files"]
    )
    assert {load["mapping"] for load in loads} == {f["preset"] for f in manifest["files"]}
    assert {load["status"] for load in loads} == {"loaded"}
    counts = {t["table"]: t["rows"] for t in status["tables"]}
    for table in ("accounts", "contacts", "touchpoints", "lifecycle_events", "revenue"):
        assert counts[table] > 0, table


def test_demo_signs_the_starter_pack_as_the_team_leads(demo: tuple[Path, Result]) -> None:
    from accord.definitions import starter_catalog
    from accord.definitions.sql_store import SqlDefinitionStore

    demo_dir, _ = demo
    with Workspace.open(demo_dir).state() as state:
        current = SqlDefinitionStore(state).current()
    starter = {e.name: e.definition for e in starter_catalog()}
    assert sorted(v.name for v in current) == sorted(starter)
    for v in current:
        assert (v.version, v.status.value, v.proposed_by) == (1, "in_force", "system:demo")
        assert v.definition == starter[v.name]
        assert [(s.team, s.user) for s in v.valid_signatures] == [
            (team, f"{team}-lead") for team in v.definition.owners
        ]


def test_demo_shows_the_shared_scorecard(demo: tuple[Path, Result]) -> None:
    from accord.definitions import starter_catalog
    from accord.definitions.metric import MetricDefinition

    _, result = demo
    text = result.stdout
    assert "Shared scorecard: every metric in force, as signed (data 2024-01 to 2025-12)" in text
    section = text[text.index("Shared scorecard") :]
    metrics = starter_catalog().of_kind(MetricDefinition)
    engines = {e.name for e, m in metrics if m.body.engine != "compiler"} | {"ltv_to_cac"}
    cells = [[c.strip() for c in line.split("│")] for line in section.splitlines()]
    rows = {c[1]: c for c in cells if len(c) > 3 and c[2] == "v1"}
    assert len(rows) == len(metrics) - len(engines)
    assert "mqls" in rows
    assert rows["mqls"][5] == "marketing-lead, sales-lead"
    assert "ltv (clv), ltv_to_cac (clv), marketing_influenced_pipeline (attribution)" in " ".join(
        section.split()
    )


def test_demo_adds_a_lead_and_a_member_per_team(demo: tuple[Path, Result]) -> None:
    demo_dir, _ = demo
    with Workspace.open(demo_dir).state() as store:
        users = {(u.team, u.role) for u in store.users()}
    teams = ("marketing", "sales", "product", "service", "finance")
    assert users == {(t, r) for t in teams for r in ("lead", "member")}


def test_a_demo_with_other_arguments_is_refused(demo: tuple[Path, Result], invoke: Invoke) -> None:
    demo_dir, _ = demo
    other = invoke("demo", "--dir", demo_dir, "--accounts", "80", "--no-serve")
    assert other.exit_code == 6
    assert "--fresh" in other.stderr


@pytest.mark.slow
def test_running_the_demo_again_changes_nothing(demo: tuple[Path, Result], invoke: Invoke) -> None:
    demo_dir, _ = demo
    before = _status(invoke, demo_dir)
    again = invoke("demo", "--dir", demo_dir, "--accounts", ACCOUNTS, "--no-serve")
    assert again.exit_code == 0, again.output
    after = _status(invoke, demo_dir)
    assert after["tables"] == before["tables"]
    rerun = after["recent_loads"][: len(after["recent_loads"]) - len(before["recent_loads"])]
    assert rerun
    assert sum(load["inserted"] + load["updated"] for load in rerun) == 0


def test_demo_never_touches_a_folder_it_did_not_make(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    result = invoke("demo", "--dir", workspace, "--no-serve", "--fresh")
    assert result.exit_code == 6
    assert "did not create" in result.stderr
    assert (workspace / "accord.toml").is_file()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep", encoding="utf-8")
    assert invoke("demo", "--dir", folder, "--no-serve").exit_code == 6
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_fresh_rebuilds_only_a_demo_workspace(tmp_path: Path) -> None:
    from accord.cli.demo import MARKER, prepare_workspace

    root = tmp_path / "demo"
    prepare_workspace(root, accounts=60, seed=1, fresh=False)
    (root / "data").mkdir()
    (root / "data" / "old.csv").write_text("x\n", encoding="utf-8")
    reused = prepare_workspace(root, accounts=60, seed=1, fresh=False)
    assert (root / "data" / "old.csv").exists()
    assert reused.root == root
    prepare_workspace(root, accounts=80, seed=2, fresh=True)
    assert not (root / "data").exists()
    assert json.loads((root / MARKER).read_text(encoding="utf-8")) == {"accounts": 80, "seed": 2}
