"""Fixtures for driving the ``accord`` command in-process (``typer.testing.CliRunner``)."""

from __future__ import annotations

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
