"""``accord demo``: init, simulate, load every file, demo users, scorecard; then reuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def test_demo_builds_a_workspace_and_reuses_it(invoke: Invoke, tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    first = invoke("demo", "--dir", demo_dir, "--accounts", "60", "--no-serve")
    assert first.exit_code == 0, first.output
    for section in ("Accord scorecard", "Tables", "Funnel", "Revenue by month", "Quarantine"):
        assert section in first.stdout
    assert "web app: not started (--no-serve)" in first.stderr

    manifest = json.loads((demo_dir / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["seed"], manifest["accounts"]) == (42, 60)
    files = manifest["files"]
    status = json.loads(invoke("status", "-f", "json", "-w", demo_dir).stdout)
    loads = status["recent_loads"]
    assert len(loads) == min(len(files), 10)
    assert {load["status"] for load in loads} == {"loaded"}
    counts = {t["table"]: t["rows"] for t in status["tables"]}
    assert counts["contacts"] > 0
    assert counts["lifecycle_events"] > 0
    with Workspace.open(demo_dir).state() as store:
        users = {(u.team, u.role) for u in store.users()}
    assert users == {
        (t, r)
        for t in ("marketing", "sales", "product", "service", "finance")
        for r in ("lead", "member")
    }

    second = invoke("demo", "--dir", demo_dir, "--accounts", "60", "--no-serve")
    assert second.exit_code == 0, second.output
    status = json.loads(invoke("status", "-f", "json", "--loads", "50", "-w", demo_dir).stdout)
    rerun = status["recent_loads"][: len(files)]
    assert sum(load["inserted"] + load["updated"] for load in rerun) == 0  # idempotent

    other = invoke("demo", "--dir", demo_dir, "--accounts", "80", "--no-serve")
    assert other.exit_code == 6
    assert "--fresh" in other.stderr


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
