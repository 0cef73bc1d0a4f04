"""``accord simulate`` writes loadable files and says which preset loads each."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Invoke = Callable[..., Result]


def test_simulate_lists_the_files_it_wrote(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "company"
    result = invoke("simulate", "--accounts", "20", "--seed", "3", "--out", out, "-f", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(f["file"], f["preset"], f["rows"]) for f in listed] == [
        (Path(f["path"]).name, f["preset"], f["rows"]) for f in manifest["files"]
    ]
    assert all((out / f["file"]).is_file() for f in listed)
    assert (manifest["seed"], manifest["accounts"]) == (3, 20)
    assert "ground_truth.json" in result.stderr
