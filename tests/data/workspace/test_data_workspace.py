"""Creating, opening and upgrading a workspace (``accord.data.workspace``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import text

from accord.data.state import DEFAULT_TEAMS, StateStore
from accord.data.state import migrate as state_migrate
from accord.data.workspace import Workspace
from accord.errors import Conflict, InputError, MigrationError, WorkspaceNotFound


def test_init_writes_the_settings_and_creates_both_stores(tmp_path: Path) -> None:
    root = tmp_path / "acme"
    ws = Workspace.init(root, timezone="Europe/Berlin", name="Acme GmbH")
    settings = tomllib.loads((root / "accord.toml").read_text(encoding="utf-8"))
    assert settings["workspace"] == {
        "name": "Acme GmbH",
        "timezone": "Europe/Berlin",
        "currency": "USD",
    }
    assert settings["warehouse"]["url"] == "duckdb:///warehouse.duckdb"
    assert settings["state"]["url"] == "sqlite:///state.sqlite"
    assert (root / "warehouse.duckdb").is_file()
    assert (root / "state.sqlite").is_file()
    with ws.state() as store:
        assert sorted(t.name for t in store.teams()) == sorted(DEFAULT_TEAMS)
        assert {e.actor for e in store.audit()} == {"system:init"}
    with ws.warehouse(read_only=True) as wh:
        assert wh.read_only
        assert wh.tables() != []  # the loader's bookkeeping tables exist from the start


def test_open_finds_the_workspace_by_argument_environment_or_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    Workspace.init(root)
    assert Workspace.open(root).root == root.resolve()
    monkeypatch.setenv("ACCORD_WORKSPACE", str(root))
    assert Workspace.open().root == root.resolve()
    monkeypatch.delenv("ACCORD_WORKSPACE")
    monkeypatch.chdir(root)
    assert Workspace.open().root == root.resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceNotFound):
        Workspace.open()


def test_init_refuses_an_existing_workspace_or_store_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root)
    with pytest.raises(Conflict, match="already an Accord workspace"):
        Workspace.init(root)
    other = tmp_path / "other"
    other.mkdir()
    (other / "state.sqlite").write_bytes(b"precious")
    with pytest.raises(Conflict, match="would be overwritten"):
        Workspace.init(other)
    assert (other / "state.sqlite").read_bytes() == b"precious"
    assert not (other / "accord.toml").exists()


def test_init_in_a_folder_with_other_files_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "contacts.csv").write_text("id\n1\n", encoding="utf-8")
    Workspace.init(tmp_path)
    assert (tmp_path / "contacts.csv").read_text(encoding="utf-8") == "id\n1\n"


def test_invalid_settings_are_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown time zone 'Mars/Base'"):
        Workspace.init(tmp_path / "ws", timezone="Mars/Base")
    assert not (tmp_path / "ws").exists()


def test_a_failed_init_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("accord.data.state.StateStore.upgrade", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        Workspace.init(tmp_path / "new")
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(RuntimeError):
        Workspace.init(existing)
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]


def _make_older_state_store(ws: Workspace) -> None:
    """Rebuild the state store as the first Accord release left it, with people in it."""
    url = ws.settings.resolved_state_url()
    with StateStore.connect(url) as store:
        store.downgrade("base")
        with store.engine.begin() as conn:
            state_migrate.upgrade(conn, state_migrate.known_revisions()[0])
            conn.execute(
                text(
                    "INSERT INTO teams (id, name, created_at) "
                    "VALUES (1, 'sales', '2024-01-02 03:04:05')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO users (name, email, team_id, role, created_at, active) "
                    "VALUES ('bo', 'bo@example.com', 1, 'lead', '2024-01-02 03:04:05', 1)"
                )
            )


def test_an_older_workspace_is_refused_until_upgraded_then_keeps_its_users(
    tmp_path: Path,
) -> None:
    ws = Workspace.init(tmp_path / "old")
    _make_older_state_store(ws)
    with pytest.raises(MigrationError, match="behind"):
        ws.state()
    steps = ws.upgrade()
    assert steps[0] == "state 0002_audit_log: Audit log: who changed what, when, before and after"
    assert [s.split(":")[0] for s in steps] == [
        f"state {r}" for r in state_migrate.known_revisions()[1:]
    ]
    with ws.state() as store:
        [bo] = store.users()
    assert (bo.name, bo.team, bo.role, bo.email) == ("bo", "sales", "lead", "bo@example.com")
    assert bo.created_at.isoformat() == "2024-01-02T03:04:05+00:00"
    assert ws.upgrade() == []


@pytest.mark.integration
def test_a_workspace_with_its_state_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    ws = Workspace.init(tmp_path / "ws", state_url=postgres_url)
    assert not (tmp_path / "ws" / "state.sqlite").exists()
    with ws.state() as store:
        store.add_user("ann", team="finance", role="lead", actor="test")
        assert [u.name for u in store.users()] == ["ann"]
    assert Workspace.open(tmp_path / "ws").upgrade() == []


def test_a_warehouse_from_another_version_is_refused_with_a_fix(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    with ws.warehouse(check=False) as wh:
        wh.duckdb.execute("UPDATE _accord_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(MigrationError, match="newer than this Accord") as info, ws.warehouse():
        pass
    assert info.value.hint is not None
    assert "pip install -U accord" in info.value.hint
    with ws.warehouse(check=False) as wh:
        wh.duckdb.execute("UPDATE _accord_meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(MigrationError, match="Run `accord upgrade`"), ws.warehouse():
        pass
    assert ws.upgrade() == ["warehouse set schema version 0 -> 1"]
    with ws.warehouse(read_only=True) as wh:
        assert wh.read_only
