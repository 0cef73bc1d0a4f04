"""``accord budget fit`` and ``accord budget optimize`` on PyMC-Marketing's example file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner, Result

from accord.cli._errors import AccordGroup
from accord.cli.budget import app, parse_bounds

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "budget" / "mmm_example.csv"
COLUMNS = [
    "--date-col", "date_week", "--target-col", "y", "--channels", "x1,x2",
    "--controls", "event_1,event_2",
]  # fmt: skip


def invoke(*args: str | Path) -> Result:
    # registered the way the lead registers it: `accord budget ...`
    root = typer.Typer(cls=AccordGroup)
    root.add_typer(app, name="budget")
    return CliRunner().invoke(root, ["budget", *map(str, args)], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def fitted() -> dict[str, Any]:
    result = invoke("fit", EXAMPLE, *COLUMNS, "--bootstrap", "30", "--format", "json")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_fit_recovers_the_known_contributions(fitted: dict[str, Any]) -> None:
    truth = {"x1": 274_848.0, "x2": 65_906.0}
    assert fitted["periods"] == 179
    assert fitted["period_days"] == 7.0
    for row in fitted["channels"]:
        assert row["contribution"] == pytest.approx(truth[row["channel"]], rel=0.10)
        low, high = row["intervals"]["contribution"]
        assert low <= row["contribution"] <= high
        assert row["roi"] == pytest.approx(row["contribution"] / row["spend"])
    assert sum(r["share"] for r in fitted["channels"]) == pytest.approx(1.0)
    assert fitted["fit"]["r_squared"] > 0.9
    assert fitted["fit"]["seconds"] > 0
    assert fitted["bootstrap"]["method"] == "moving-block bootstrap of residuals"
    assert fitted["bootstrap"]["resamples"] == 30


def test_fit_prints_a_table_with_fit_quality_and_time() -> None:
    result = invoke("fit", EXAMPLE, *COLUMNS, "--bootstrap", "5")
    assert result.exit_code == 0, result.output
    for text in ("x1", "x2", "marginal ROI", "R²", "MAPE", "fitted in", "moving-block"):
        assert text in result.stdout


def test_fit_writes_csv_rows() -> None:
    result = invoke("fit", EXAMPLE, *COLUMNS, "--bootstrap", "0", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("channel,decay,lam")
    assert [line.split(",")[0] for line in lines[1:]] == ["x1", "x2"]


def test_optimize_allocates_the_budget_within_bounds() -> None:
    result = invoke(
        "optimize", EXAMPLE, *COLUMNS, "--budget", "0.6", "--bounds", "x2=0.1:",
        "--periods", "4", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    allocation = doc["allocation"]
    spends = {c["channel"]: c["spend"] for c in allocation["channels"]}
    assert sum(spends.values()) == pytest.approx(0.6)
    assert spends["x2"] >= 0.1
    assert allocation["uplift"] >= 0
    assert allocation["periods"] == 4
    returns = [c["marginal_return"] for c in allocation["channels"] if c["at_bound"] is None]
    assert max(returns) == pytest.approx(min(returns), rel=1e-6)
    budgets = {k: v["budget"] for k, v in doc["scenarios"].items()}
    assert budgets == {"0.5x": 0.3, "1x": 0.6, "2x": 1.2}
    responses = [doc["scenarios"][k]["expected_response"] for k in ("0.5x", "1x", "2x")]
    assert responses == sorted(responses)


def test_optimize_defaults_to_the_historical_budget_and_prints_scenarios() -> None:
    result = invoke("optimize", EXAMPLE, *COLUMNS)
    assert result.exit_code == 0, result.output
    for text in ("recommended", "uplift", "Marginal returns are equal", "Scenarios", "2x"):
        assert text in result.stdout
    assert "historical average" in result.stderr


def test_parquet_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mmm.parquet"
    pd.read_csv(EXAMPLE).to_parquet(path)
    result = invoke("fit", path, *COLUMNS, "--bootstrap", "0", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["periods"] == 179


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "periods.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["x2"]), "has no column 'x2'"),
        (lambda f: f.drop(index=[50, 51]), "skips periods after"),
        (lambda f: pd.concat([f, f.iloc[[10]]]), "more than one row for a date"),
        (lambda f: f.assign(x1=f["x1"].astype(object).where(f.index != 7, "n/a")), "row(s): 9"),
        (lambda f: f.iloc[:12], "cannot fit a model"),
        (lambda f: f.assign(x1=-f["x1"]), "negative spend"),
    ],
)
def test_bad_files_exit_2_with_a_reason(tmp_path: Path, change: Any, message: str) -> None:
    frame = change(pd.read_csv(EXAMPLE))
    result = invoke("fit", _write(tmp_path, frame), *COLUMNS, "--bootstrap", "0")
    assert result.exit_code == 2, result.output
    assert message in result.stderr


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ("x1=abc", "cannot read the bound"),
        ("x1=a:b", "not a number range"),
        ("tv=0:1", "unknown channel"),
        ("x1=0:0.1,x2=0:0.1", "no allocation fits"),
    ],
)
def test_bad_bounds_exit_2(bounds: str, message: str) -> None:
    result = invoke("optimize", EXAMPLE, *COLUMNS, "--bounds", bounds)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_parse_bounds_reads_open_ends() -> None:
    assert parse_bounds("a=1:2, b=:5,c=3:,d=0:inf") == {
        "a": (1.0, 2.0),
        "b": (None, 5.0),
        "c": (3.0, None),
        "d": (0.0, float("inf")),
    }
    assert parse_bounds(None) == {}
