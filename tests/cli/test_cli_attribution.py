"""``accord attribution paths``: path files in ChannelAttribution's layout."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from accord.cli._errors import AccordGroup
from accord.cli.attribution import app

PEER = Path(__file__).parents[1] / "engines" / "attribution" / "fixtures"


def invoke(*args: str | Path) -> Result:
    # registered the way the lead registers it: `accord attribution ...`
    root = typer.Typer(cls=AccordGroup)
    root.add_typer(app, name="attribution")
    return CliRunner().invoke(root, ["attribution", *map(str, args)], env={"COLUMNS": "200"})


@pytest.fixture
def path_file(tmp_path: Path) -> Path:
    f = tmp_path / "paths.csv"
    f.write_text(
        "path;conv;value;null\n"
        "eta > iota > eta;3;30.0;1\n"
        "iota;1;5.0;2\n"
        "alpha > eta;0;0;4\n"
        "iota;1;5.0;0\n"  # a duplicate path row: summed
    )
    return f


def test_json_lists_each_channels_credit_per_model(path_file: Path) -> None:
    res = invoke(
        "paths", path_file, "--path-col", "path", "--conversions-col", "conv",
        "--value-col", "value", "--null-col", "null", "--format", "json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["total_conversions"] == 5
    assert [m["model"] for m in doc["models"]] == [
        "first_touch", "last_touch", "linear", "time_decay", "u_shaped", "markov", "shapley",
    ]  # fmt: skip
    by = {c["channel"]: c for c in doc["channels"]}
    assert list(by) == ["alpha", "eta", "iota"]
    # first touch: eta 3, iota 2; linear: eta 2 of path 1's 3 touches, iota 1 + 2
    assert by["eta"]["first_touch"] == {"conversions": 3.0, "value": 30.0}
    assert by["iota"]["linear"]["conversions"] == pytest.approx(3.0)
    assert by["alpha"]["last_touch"]["conversions"] == 0.0
    for model in doc["models"]:
        total = sum(c[model["model"]]["conversions"] for c in doc["channels"])
        assert total == pytest.approx(5.0)
    assert set(doc["markov"]["removal_effects"]) == {"alpha", "eta", "iota"}


def test_selected_models_csv_and_order(path_file: Path) -> None:
    res = invoke(
        "paths", path_file, "--path-col", "path", "--conversions-col", "conv",
        "--null-col", "null", "-m", "markov", "-m", "first", "--order", "2", "--format", "csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["model"] for r in rows} == {"markov", "first_touch"}
    assert all(r["value"] == "" for r in rows)
    assert sum(float(r["conversions"]) for r in rows if r["model"] == "markov") == pytest.approx(5)


def test_table_output_and_reason_for_models_without_data(tmp_path: Path) -> None:
    f = tmp_path / "nothing.csv"
    f.write_text("path,total_conversions\na > b,0\n")
    res = invoke("paths", f, "-m", "linear")
    assert res.exit_code == 0, res.output
    assert "Attributed" in res.stdout
    assert "linear" in res.stdout
    assert "no_conversions" in res.stderr


def test_matches_channelattribution_rules_on_its_layout() -> None:
    res = invoke(
        "paths", PEER / "peer_paths.csv", "--value-col", "total_conversion_value",
        "--null-col", "total_null", "-m", "first", "-m", "last", "-m", "linear",
        "--format", "json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    by = {c["channel"]: c for c in json.loads(res.stdout)["channels"]}
    peer = json.loads((PEER / "peer_channelattribution.json").read_text())
    for row in peer["heuristic_models"]:
        ours = by[row["channel_name"]]
        for model, theirs in (("first_touch", "first_touch"), ("last_touch", "last_touch"),
                              ("linear", "linear_touch")):  # fmt: skip
            assert ours[model]["conversions"] == pytest.approx(row[f"{theirs}_conversions"])
            assert ours[model]["value"] == pytest.approx(row[f"{theirs}_value"])


def test_bad_file_and_column_exit_2(path_file: Path, tmp_path: Path) -> None:
    missing = invoke("paths", tmp_path / "nope.csv")
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    res = invoke("paths", path_file, "--conversions-col", "conversions")
    assert res.exit_code == 2
    assert "'conversions'" in res.stderr
    assert "Columns are" in res.stderr
