"""``accord definitions``: propose, sign, show, diff, history, list, apply and export, from
the command line, on a workspace made by ``accord init`` (the starter pack proposed)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from accord.definitions import starter_catalog

Invoke = Callable[..., Result]

LEADS = {"marketing": "maria", "sales": "sam", "finance": "fay", "service": "sid"}


@pytest.fixture(scope="module")
def template(initialised: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``accord init`` plus a lead per team and a marketing member, made once."""
    from typer.testing import CliRunner

    from accord.cli.app import app

    root = tmp_path_factory.mktemp("defs") / "ws"
    shutil.copytree(initialised, root)
    runner = CliRunner()
    users = [(name, team, "lead") for team, name in LEADS.items()] + [("mo", "marketing", "member")]
    for name, team, role in users:
        args = ["users", "add", name, "--team", team, "--role", role, "-w", str(root)]
        assert runner.invoke(app, args).exit_code == 0
    return root


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(template, copy)
    return copy


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_init_proposes_the_starter_pack_awaiting_its_owners(invoke: Invoke, ws: Path) -> None:
    rows = _json(invoke("definitions", "list", "-f", "json", "-w", ws))
    assert sorted(r["name"] for r in rows) == sorted(e.name for e in starter_catalog())
    assert {(r["in_force"], r["proposed"]) for r in rows} == {(None, 1)}
    mqls = next(r for r in rows if r["name"] == "mqls")
    assert mqls["awaiting"] == "marketing (maria), sales (sam)"
    goals = _json(invoke("definitions", "list", "--kind", "goal", "-f", "json", "-w", ws))
    assert {r["name"] for r in goals} == {
        "company_revenue_2025", "marketing_pipeline_2025", "mql_volume_2025"}  # fmt: skip
    assert (
        _json(invoke("definitions", "list", "--status", "in_force", "-f", "json", "-w", ws)) == []
    )


def test_a_definition_comes_into_force_when_every_owner_signed(invoke: Invoke, ws: Path) -> None:
    member = invoke("definitions", "sign", "mqls", "--as", "mo", "-w", ws)
    assert member.exit_code == 5
    assert "mo is member in marketing, not its lead" in member.stderr
    assert "Who may sign: marketing: maria; sales: sam." in member.stderr
    outsider = invoke("definitions", "sign", "mqls", "--as", "fay", "-w", ws)
    assert outsider.exit_code == 5
    assert "fay is in finance, which does not own it" in outsider.stderr

    first = invoke("definitions", "sign", "mqls", "--as", "maria", "-w", ws)
    assert first.exit_code == 0, first.output
    assert "Signed mqls v1 for marketing as maria. Still awaiting sales (sam)." in first.stdout
    shown = _json(invoke("definitions", "show", "mqls", "-f", "json", "-w", ws))
    assert (shown["version"], shown["status"]) == (1, "proposed")
    assert [s["user"] for s in shown["signed_by"]] == ["maria"]
    assert shown["awaiting"] == [{"team": "sales", "leads": ["sam"]}]

    second = _json(invoke("definitions", "sign", "mqls", "--as", "sam", "-f", "json", "-w", ws))
    assert (second["status"], second["signed_for"]) == ("in_force", "sales")
    assert second["content_hash"].startswith("sha256:")
    again = invoke("definitions", "sign", "mqls", "--as", "sam", "-w", ws)
    assert again.exit_code == 6
    assert "mqls has no proposal to sign (v1 is in force)" in again.stderr


def test_propose_show_diff_and_history(invoke: Invoke, ws: Path, tmp_path: Path) -> None:
    for lead in ("maria", "sam"):
        assert invoke("definitions", "sign", "mqls", "--as", lead, "-w", ws).exit_code == 0
    exported = invoke("definitions", "export", tmp_path / "defs", "-w", ws)
    assert exported.exit_code == 0, exported.output
    path = tmp_path / "defs" / "metrics" / "mqls.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["body"]["measure"]["filters"].append({"column": "source_system", "value": "crm"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    proposed = invoke("definitions", "propose", path, "--as", "mo", "-f", "json", "-w", ws)
    [row] = _json(proposed)
    assert (row["name"], row["outcome"], row["version"], row["status"]) == (
        "mqls", "changed", 2, "proposed")  # fmt: skip
    assert row["awaiting"] == "marketing (maria), sales (sam)"

    show = invoke("definitions", "show", "mqls", "-w", ws)
    assert show.exit_code == 0, show.output
    assert "mqls v2: proposed (metric, owned by marketing, sales)" in show.stdout
    assert "in force    v1 until then" in show.stdout
    assert "value: crm" in show.stdout
    v1 = invoke("definitions", "show", "mqls", "--version", "1", "-w", ws)
    assert "mqls v1: in_force" in v1.stdout
    assert "signed by   marketing: maria, sales: sam" in v1.stdout

    diff = invoke("definitions", "diff", "mqls", "1", "2", "-w", ws)
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.startswith("--- mqls v1 (in_force)\n+++ mqls v2 (proposed)\n")
    added = [line for line in diff.stdout.splitlines() if line.startswith("+ ")]
    assert added == ["+    - column: source_system", "+      value: crm"]
    same = invoke("definitions", "diff", "mqls", "1", "1", "-w", ws)
    assert (same.stdout, "the same content" in same.stderr) == ("", True)

    history = _json(invoke("definitions", "history", "mqls", "-f", "json", "-w", ws))
    assert [(v["version"], v["status"], v["proposed_by"]) for v in history] == [
        (1, "in_force", "system:init"), (2, "proposed", "mo")]  # fmt: skip
    table = invoke("definitions", "history", "mqls", "-w", ws)
    assert "marketing: maria, sales: sam" in table.stdout


def test_apply_reports_every_issue_with_file_line_and_fix_and_changes_nothing(
    invoke: Invoke, ws: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "defs"
    assert invoke("definitions", "export", folder, "-w", ws).exit_code == 0
    mqls = folder / "metrics" / "mqls.yaml"
    mqls.write_text(mqls.read_text(encoding="utf-8").replace("value: mql", "value: mqll"))
    (folder / "terms" / "junk.yaml").write_text("kind: term\nname: junk\nbody: {}\n")
    win = folder / "metrics" / "win_rate.yaml"
    win.write_text(win.read_text(encoding="utf-8").replace("won_opportunities", "won_opps"))
    before = _json(invoke("definitions", "list", "-f", "json", "-w", ws))

    result = invoke("definitions", "apply", folder, "--as", "mo", "-w", ws)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if ": [" in line]
    assert [line.split(" ")[0:2] for line in lines] == [
        ["metrics/mqls.yaml:16:", "[unknown-value]"],
        ["metrics/win_rate.yaml:9:", "[unknown-metric]"],
        ["terms/junk.yaml:3:", "[invalid-spec]"],
    ]
    assert all("(fix: " in line for line in lines)
    assert "3 issue(s) in the definitions; nothing was proposed." in result.stderr
    as_json = invoke("definitions", "apply", folder, "--as", "mo", "-f", "json", "-w", ws)
    assert as_json.exit_code == 2
    assert [i["code"] for i in json.loads(as_json.stdout)] == [
        "unknown-value", "unknown-metric", "invalid-spec"]  # fmt: skip
    assert _json(invoke("definitions", "list", "-f", "json", "-w", ws)) == before


def test_export_then_apply_is_unchanged_and_apply_proposes_what_changed(
    invoke: Invoke, ws: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "defs"
    rows = _json(invoke("definitions", "export", folder, "-f", "json", "-w", ws))
    assert len(rows) == len(starter_catalog())
    assert {r["file"].split("/")[0] for r in rows} == {
        "terms", "metrics", "funnel", "sla", "goals", "attribution"}  # fmt: skip
    unchanged = _json(invoke("definitions", "apply", folder, "--as", "mo", "-f", "json", "-w", ws))
    assert {r["outcome"] for r in unchanged} == {"unchanged"}
    goal = folder / "goals" / "mql_volume_2025.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("4800", "5400"), encoding="utf-8")
    applied = _json(invoke("definitions", "apply", folder, "--as", "mo", "-f", "json", "-w", ws))
    changed = [r for r in applied if r["outcome"] != "unchanged"]
    assert [(r["name"], r["outcome"], r["version"]) for r in changed] == [
        ("mql_volume_2025", "changed", 2)]  # fmt: skip
    audit = invoke("definitions", "history", "mql_volume_2025", "-f", "json", "-w", ws)
    assert [v["status"] for v in _json(audit)] == ["withdrawn", "proposed"]


def test_unknown_names_users_and_versions(invoke: Invoke, ws: Path) -> None:
    assert invoke("definitions", "show", "nope", "-w", ws).exit_code == 3
    assert invoke("definitions", "history", "nope", "-w", ws).exit_code == 3
    assert invoke("definitions", "diff", "mqls", "1", "9", "-w", ws).exit_code == 3
    assert invoke("definitions", "sign", "mqls", "--as", "zed", "-w", ws).exit_code == 3
    missing_as = invoke("definitions", "sign", "mqls", "-w", ws)
    assert missing_as.exit_code == 2
    assert "--as" in missing_as.output
