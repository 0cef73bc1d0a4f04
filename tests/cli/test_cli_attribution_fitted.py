"""The fitted Shapley game from the command line: ``-m shapley_fitted`` and
``--shapley-game fitted_rate``, on a path file and on the demo workspace."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Invoke = Callable[..., Result]


@pytest.fixture
def symmetric_file(tmp_path: Path) -> Path:
    # {a} and {b} convert alike, so a and b are symmetric players of the fitted game
    # whatever the ridge: each keeps its own journey's conversion and half of {a, b}'s 4.
    f = tmp_path / "paths.csv"
    f.write_text("path,conv,null\na,1,1\nb,1,1\na > b > a,4,2\n")
    return f


def credit(doc: dict[str, object], model: str) -> dict[str, float]:
    rows = doc["channels"]
    assert isinstance(rows, list)
    return {row["channel"]: row[model]["conversions"] for row in rows}


def test_path_file_fitted_game_by_model_and_by_game(invoke: Invoke, symmetric_file: Path) -> None:
    base = ("attribution", "paths", symmetric_file, "--path-col", "path",
            "--conversions-col", "conv", "-f", "json")  # fmt: skip
    common = (*base, "--null-col", "null")
    by_model = invoke(*common, "-m", "shapley_fitted")
    assert by_model.exit_code == 0, by_model.output
    doc = json.loads(by_model.stdout)
    assert [m["model"] for m in doc["models"]] == ["shapley_fitted"]
    assert doc["models"][0]["parameters"] == {"characteristic": "fitted_rate", "ridge": 1.0}
    assert credit(doc, "shapley_fitted") == pytest.approx({"a": 3.0, "b": 3.0})
    by_game = invoke(*common, "-m", "shapley", "--shapley-game", "fitted_rate")
    assert by_game.exit_code == 0, by_game.output
    assert credit(json.loads(by_game.stdout), "shapley") == credit(doc, "shapley_fitted")
    # without non-converting journeys the game says why it credits nothing
    no_nulls = invoke(*base, "-m", "shapley_fitted")
    assert no_nulls.exit_code == 0, no_nulls.output
    assert json.loads(no_nulls.stdout)["models"][0]["reason"] == "no_null_journeys"


def test_workspace_compares_the_fitted_game(invoke: Invoke, demo_run: tuple[Path, Result]) -> None:
    root, _ = demo_run
    res = invoke("attribution", "-w", root, "--conversion", "mql", "-m", "shapley_fitted",
                 "-m", "shapley", "--shapley-game", "conversion_rate", "--ridge", "5",
                 "-f", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    models = {m["model"]: m for m in doc["models"]}
    assert list(models) == ["in_force", "shapley_fitted", "shapley"]
    assert models["shapley_fitted"]["parameters"]["characteristic"] == "fitted_rate"
    assert models["shapley_fitted"]["parameters"]["ridge"] == 5.0
    assert models["shapley"]["parameters"]["characteristic"] == "conversion_rate"
    for m in ("shapley_fitted", "shapley"):
        assert models[m]["reason"] is None
        total = sum(row[m]["conversions"] for row in doc["credit"])
        assert total == pytest.approx(doc["attributed_conversions"])


def test_the_ridge_option_reaches_the_fitted_game(invoke: Invoke, tmp_path: Path) -> None:
    # a converts half its journeys, b one in twenty. A huge penalty shrinks both slopes to
    # 0: every non-empty coalition has the same fitted rate, so each journey's conversions
    # go to its channels in equal shares: a 10 + 5/2, b 1 + 5/2, a gap of 9. Unpenalised,
    # a's larger fitted lift takes more of {a, b}'s 5 than half.
    f = tmp_path / "paths.csv"
    f.write_text("path,conv,null\na,10,10\nb,1,19\na > b,5,5\n")
    base = ("attribution", "paths", f, "--path-col", "path", "--conversions-col", "conv",
            "--null-col", "null", "-m", "shapley_fitted", "-f", "json")  # fmt: skip
    gaps = {}
    for ridge in (0.0, 1e4):
        res = invoke(*base, "--ridge", str(ridge))
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)
        assert doc["models"][0]["parameters"]["ridge"] == ridge
        got = credit(doc, "shapley_fitted")
        assert sum(got.values()) == pytest.approx(16.0)
        gaps[ridge] = got["a"] - got["b"]
    assert gaps[1e4] == pytest.approx(9.0, abs=0.01)
    assert gaps[0.0] > 12.0
    bad = invoke(*base, "--ridge", "-1")
    assert bad.exit_code == 2
    assert "--ridge" in bad.output
