"""Fixtures for driving the ``accord`` command in-process (``typer.testing.CliRunner``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from accord.cli.app import app
from accord.data.workspace import Workspace

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """Run ``accord ARGS...`` with stdout and stderr captured separately.

    The current folder is an empty temporary folder and ``ACCORD_WORKSPACE`` is unset, so a
    command without ``-w`` finds no workspace unless the test makes one.
    """
    monkeypatch.delenv("ACCORD_WORKSPACE", raising=False)
    monkeypatch.delenv("ACCORD_DEBUG", raising=False)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})

    return run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh workspace (default stores) in ``tmp_path/ws``."""
    root = tmp_path / "ws"
    Workspace.init(root)
    return root


DEMO_ACCOUNTS = "60"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One small ``accord demo`` for the whole session (it takes several seconds): its
    folder and the result. Tests must not change it; :func:`demo_copy` gives a copy."""
    demo_dir = tmp_path_factory.mktemp("demo") / "accord-demo"
    result = CliRunner().invoke(
        app,
        ["demo", "--dir", str(demo_dir), "--accounts", DEMO_ACCOUNTS, "--no-serve"],
        env={"COLUMNS": "200", "ACCORD_WORKSPACE": None},
    )
    return demo_dir, result


@pytest.fixture
def demo_copy(demo_run: tuple[Path, Result], tmp_path: Path) -> Path:
    """A private copy of the demo workspace (without the simulated files), to change."""
    demo_dir, result = demo_run
    assert result.exit_code == 0, result.output
    copy = tmp_path / "demo-copy"
    shutil.copytree(demo_dir, copy, ignore=shutil.ignore_patterns("data"))
    return copy


@pytest.fixture(scope="session")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace made once by ``accord init`` (the starter pack proposed, no users, no
    data). Tests must not change it; :func:`initialised_copy` gives a copy."""
    root = tmp_path_factory.mktemp("initialised") / "ws"
    result = CliRunner().invoke(app, ["init", str(root)], env={"ACCORD_WORKSPACE": None})
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def initialised_copy(initialised: Path, tmp_path: Path) -> Path:
    """A private copy of :func:`initialised`, to change."""
    copy = tmp_path / "initialised"
    shutil.copytree(initialised, copy)
    return copy
