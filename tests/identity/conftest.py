"""A small simulated company, loaded into workspaces, for the workspace resolver tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.workspace import Workspace
from accord.simulate import simulate_company


def load(
    ws: Workspace, data: Path, only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()
) -> None:
    """Load the simulated files of *data* (all, or *only*, minus *skip*) into *ws*."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    with ws.warehouse() as wh:
        for entry in manifest["files"]:
            path = data / entry["path"]
            if (only is not None and path.name not in only) or path.name in skip:
                continue
            load_file(
                wh,
                path,
                mapping=get_preset(entry["preset"]),
                timezone=ws.settings.workspace.timezone,
                actor="system:test",
            )


@pytest.fixture(scope="session")
def load_files() -> object:
    """:func:`load`, for tests (conftest modules are not imported by name)."""
    return load


@pytest.fixture(scope="session")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated company of 25 accounts (export files and ground truth)."""
    out = tmp_path_factory.mktemp("identity-sim") / "data"
    simulate_company(out, accounts=25, seed=11, months=12)
    return out


@pytest.fixture(scope="session")
def loaded(simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with every simulated file loaded (not resolved). Copy before changing."""
    root = tmp_path_factory.mktemp("identity-ws") / "ws"
    load(Workspace.init(root), simulated)
    return root


@pytest.fixture
def loaded_copy(loaded: Path, tmp_path: Path) -> Workspace:
    """A private copy of :func:`loaded`."""
    copy = tmp_path / "ws"
    shutil.copytree(loaded, copy)
    return Workspace.open(copy)
