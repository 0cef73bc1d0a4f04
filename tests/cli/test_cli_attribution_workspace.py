"""``accord attribution`` and ``accord attribution teams`` on the demo workspace."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
from typer.testing import Result

from accord.cli.attribution import demo_section
from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


def test_model_comparison_json_cites_the_signed_model(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    root, _ = demo_run
    res = invoke("attribution", "-w", root, "--conversion", "mql", "-m", "markov,shapley",
                 "--model", "first", "-f", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [m["model"] for m in doc["models"]] == ["in_force", "markov", "shapley", "first_touch"]
    assert doc["in_force"] == "position_based"
    cited = {(d["name"], d["version"]) for d in doc["definitions"]}
    assert ("attribution_model", 1) in cited
    assert {s["team"] for d in doc["definitions"] for s in d["signed_by"]} == {"marketing", "sales"}
    for m in ("in_force", "markov", "shapley", "first_touch"):
        total = sum(row[m]["conversions"] for row in doc["credit"])
        assert abs(total - doc["attributed_conversions"]) < 1e-6
    assert (
        doc["attributed_conversions"] + doc["unattributed_conversions"]
        == (doc["conversion_events"])
    )
    (markov,) = doc["markov"]
    assert set(markov["removal_effects"]) == {row["channel"] for row in doc["credit"]}
    # the transition matrix's rows are probability distributions
    out: dict[str, float] = {}
    for t in markov["transition_matrix"]:
        out[t["from"]] = out.get(t["from"], 0.0) + t["probability"]
    assert all(abs(v - 1) < 1e-9 for v in out.values())


def test_mql_count_equals_the_warehouse_and_csv_is_long(
    invoke: Invoke, demo_run: tuple[Path, Result]
) -> None:
    root, _ = demo_run
    res = invoke("attribution", "-w", root, "--conversion", "mql", "-f", "csv", "--by", "team")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["model"] for r in rows} == {"in_force"}
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        (mqls,) = con.sql("SELECT count(*) FROM lifecycle_events WHERE stage = 'mql'").fetchone()
    table = invoke("attribution", "-w", root, "--conversion", "mql", "--by", "team", "-f", "json")
    doc = json.loads(table.stdout)
    assert doc["conversion_events"] == mqls
    assert abs(sum(float(r["conversions"]) for r in rows) - doc["attributed_conversions"]) < 1e-6


def test_table_and_teams(invoke: Invoke, demo_run: tuple[Path, Result]) -> None:
    root, _ = demo_run
    res = invoke("attribution", "-w", root, "--conversion", "mql", "-m", "linear")
    assert res.exit_code == 0, res.output
    assert "in force: position_based" in res.stdout
    assert "attribution_model v1 (signed by marketing" in res.stderr
    teams = invoke("attribution", "teams", "-w", root, "--conversion", "mql", "-f", "json")
    assert teams.exit_code == 0, teams.output
    doc = json.loads(teams.stdout)
    rows = {r["team"]: r for r in doc["teams"]}
    assert abs(sum(r["sourced"] for r in rows.values()) - doc["total_conversions"]) < 1e-6
    for r in rows.values():
        assert r["influenced"] >= r["sourced"]


def test_default_conversion_before_resolution_says_why(invoke: Invoke, demo_copy: Path) -> None:
    root = demo_copy
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:  # the demo resolves: undo it
        con.execute("drop table identity_people; drop table identity_accounts")
    res = invoke("attribution", "-w", root)
    assert res.exit_code == 0, res.output
    assert "opportunity" in res.stdout
    assert "accord resolve" in res.stderr


def test_errors(invoke: Invoke, demo_run: tuple[Path, Result]) -> None:
    root, _ = demo_run
    res = invoke("attribution", "-w", root, "-m", "magic")
    assert res.exit_code != 0
    assert "Unknown attribution model" in res.output
    assert "Traceback" not in res.output
    res = invoke("attribution", "-w", root, "--from", "2025-13-01")
    assert res.exit_code != 0
    assert "is not a date" in res.output


def test_demo_section(demo_run: tuple[Path, Result], capsys: object) -> None:
    root, _ = demo_run
    demo_section(Workspace.open(root))
    captured = capsys.readouterr()  # type: ignore[attr-defined]
    assert "Team credit" in captured.out
    assert "in force:" in captured.out  # the header wraps at 80 columns
    assert "attribution_model v1" in captured.err  # citations go to stderr
