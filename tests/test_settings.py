"""accord.toml: round trip, defaults, clear errors, URL resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import ConfigError, WorkspaceNotFound
from accord.settings import (
    Settings,
    StateSettings,
    WorkspaceInfo,
    find_workspace_root,
    load_settings,
    write_settings,
)


def test_round_trip(tmp_path: Path) -> None:
    settings = Settings(
        root=tmp_path,
        workspace=WorkspaceInfo(name='a "quoted" name', timezone="Europe/Berlin", currency="EUR"),
        state=StateSettings(url="postgresql+psycopg://u@db/accord"),
    )
    write_settings(settings)
    assert load_settings(tmp_path) == settings


def test_relative_file_urls_resolve_inside_the_workspace(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path)
    assert settings.resolved_warehouse_url() == f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert settings.resolved_state_url() == f"sqlite:///{tmp_path / 'state.sqlite'}"


def test_absolute_and_server_urls_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(root=tmp_path, state=StateSettings(url="sqlite:////var/lib/a.sqlite"))
    assert settings.resolved_state_url() == "sqlite:////var/lib/a.sqlite"
    monkeypatch.setenv("ACCORD_STATE_URL", "postgresql+psycopg://u@h/db")
    assert settings.resolved_state_url() == "postgresql+psycopg://u@h/db"


def test_missing_workspace_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFound) as info:
        find_workspace_root(tmp_path)
    assert "accord init" in str(info.value)


def test_workspace_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_settings(Settings(root=tmp_path))
    monkeypatch.setenv("ACCORD_WORKSPACE", str(tmp_path))
    assert find_workspace_root() == tmp_path.resolve()


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "accord.toml").write_text("[workspace\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[workspace]\ntimezone = "Mars/Olympus"\n', "unknown time zone"),
        ('[workspace]\nnmae = "typo"\n', "workspace.nmae"),
        ("[warehouse]\nurl = 3\n", "warehouse.url"),
    ],
)
def test_invalid_settings_name_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "accord.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")):
        load_settings(tmp_path)
