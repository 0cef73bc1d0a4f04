"""Opening the warehouse: offline DuckDB, and a clear error when another process holds it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from accord.data.warehouse import open_warehouse
from accord.errors import StoreError, WarehouseLocked


def test_open_create_and_read(tmp_path: Path) -> None:
    with open_warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}") as wh:
        assert wh.is_duckdb
        wh.duckdb.execute("create table t as select 1 as a")
        assert wh.tables() == ["t"]
        assert wh.table("t").a.sum().execute() == 1


def test_extensions_are_never_downloaded(tmp_path: Path) -> None:
    with open_warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}") as wh:
        setting = wh.duckdb.execute(
            "select value from duckdb_settings() where name = 'autoinstall_known_extensions'"
        ).fetchone()
        assert setting is not None
        assert setting[0] == "false"


def test_in_memory() -> None:
    with open_warehouse("duckdb://") as wh:
        assert wh.tables() == []


def test_locked_file_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseLocked) as info:
            open_warehouse(f"duckdb:///{path}")
        assert f"PID {holder.pid}" in str(info.value)
        assert info.value.hint is not None
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    # once released, it opens again
    deadline = time.monotonic() + 10
    while True:
        try:
            open_warehouse(f"duckdb:///{path}").close()
            break
        except WarehouseLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_unknown_backend_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="Could not open the warehouse"):
        open_warehouse("nosuchbackend://x")
