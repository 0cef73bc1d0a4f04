"""The warehouse catalog: creation, versions, upgrades, status queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.data.catalog import (
    SCHEMA_VERSION,
    ensure_warehouse_schema,
    quarantine_rows,
    recent_loads,
    table_counts,
    upgrade_warehouse,
    warehouse_schema_version,
)
from accord.data.schema import TABLES
from accord.data.warehouse import Warehouse, open_warehouse
from accord.errors import MigrationError


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with open_warehouse("duckdb:///" + str(tmp_path / "w.duckdb")) as wh:
        yield wh


def test_ensure_creates_everything_once(warehouse: Warehouse) -> None:
    assert warehouse_schema_version(warehouse) is None
    ensure_warehouse_schema(warehouse)
    ensure_warehouse_schema(warehouse)
    assert warehouse_schema_version(warehouse) == SCHEMA_VERSION
    assert set(TABLES) <= set(warehouse.tables())
    assert table_counts(warehouse) == dict.fromkeys(TABLES, 0)
    assert recent_loads(warehouse) == []
    assert quarantine_rows(warehouse).num_rows == 0
    columns = warehouse.table("contacts").columns
    assert columns[:2] == ("source_system", "source_id")
    assert columns[-3:] == ("_load_id", "_loaded_at", "_row_hash")


def test_upgrade_adds_missing_columns_and_keeps_rows(warehouse: Warehouse) -> None:
    ensure_warehouse_schema(warehouse)
    con = warehouse.duckdb
    con.execute(
        "INSERT INTO contacts (source_system, source_id, contact_id) VALUES ('s', '1', '1')"
    )
    # an older Accord: version 0 and a canonical column missing
    con.execute("ALTER TABLE contacts DROP COLUMN lead_source")
    con.execute("UPDATE _accord_meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(MigrationError, match="accord upgrade"):
        ensure_warehouse_schema(warehouse)
    steps = upgrade_warehouse(warehouse)
    assert steps == ["add column contacts.lead_source", f"set schema version 0 -> {SCHEMA_VERSION}"]
    assert upgrade_warehouse(warehouse) == []
    assert table_counts(warehouse)["contacts"] == 1
    assert "lead_source" in warehouse.table("contacts").columns


def test_newer_warehouse_is_refused(warehouse: Warehouse) -> None:
    ensure_warehouse_schema(warehouse)
    warehouse.duckdb.execute(
        "UPDATE _accord_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
    )
    with pytest.raises(MigrationError, match="newer"):
        upgrade_warehouse(warehouse)
    with pytest.raises(MigrationError, match="Upgrade Accord"):
        ensure_warehouse_schema(warehouse)


def test_upgrade_of_an_empty_warehouse_creates_it(warehouse: Warehouse) -> None:
    steps = upgrade_warehouse(warehouse)
    assert "create table contacts" in steps
    assert steps[-1] == f"set schema version 0 -> {SCHEMA_VERSION}"
