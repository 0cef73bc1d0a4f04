"""``accord status``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from accord.data.state.migrate import head_revision

Invoke = Callable[..., Result]


def test_status_as_json_names_the_stores_and_their_versions(
    invoke: Invoke, workspace: Path
) -> None:
    result = invoke("status", "--format", "json", "-w", workspace)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["workspace"]["root"] == str(workspace)
    assert data["warehouse"]["url"] == f"duckdb:///{workspace / 'warehouse.duckdb'}"
    assert data["warehouse"]["schema_version"] == data["warehouse"]["current_version"]
    assert data["state"]["revision"] == head_revision()
    assert data["recent_loads"] == []
    assert all(t["rows"] == 0 for t in data["tables"])


def test_status_as_tables(invoke: Invoke, workspace: Path) -> None:
    result = invoke("status", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()} (current)" in result.stdout
    assert "No loads yet" in result.stderr


def test_status_has_no_csv_form(invoke: Invoke, workspace: Path) -> None:
    result = invoke("status", "-f", "csv", "-w", workspace)
    assert result.exit_code == 2
    assert "--format json" in result.stderr
