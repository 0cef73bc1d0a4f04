"""load_file: idempotency, updates, duplicates, atomicity (SIGKILL), records, progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.data.catalog import quarantine_rows, recent_loads, table_counts
from accord.data.load import load_file, load_files
from accord.data.sources import get_preset
from accord.data.warehouse import Warehouse, open_warehouse
from accord.errors import FileRejected, InputError

DEALS = "Record ID,Deal Name,Deal Stage,Amount,Currency,Create Date,Close Date\n"
TOUCH = "touchpoint_id,contact_id,ts,channel,campaign_id,team\n"


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with open_warehouse("duckdb:///" + str(tmp_path / "w.duckdb")) as wh:
        yield wh


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _deals(path: Path, amounts: dict[int, str]) -> Path:
    rows = "".join(f"{i},Deal {i},closedwon,{a},USD,2024-01-05,\n" for i, a in amounts.items())
    return _write(path, DEALS + rows)


def test_same_file_twice_changes_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    path = _deals(tmp_path / "d.csv", {1: "10", 2: "20", 3: "30"})
    spec = get_preset("hubspot-deals")
    first = load_file(warehouse, path, mapping=spec, actor="ann")
    before = warehouse.duckdb.execute("SELECT * FROM opportunities ORDER BY source_id").fetchall()
    second = load_file(warehouse, path, mapping=spec, actor="ann")
    after = warehouse.duckdb.execute("SELECT * FROM opportunities ORDER BY source_id").fetchall()
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert before == after  # not even the bookkeeping columns moved
    assert first.file_hash == second.file_hash
    assert len(first.file_hash) == 64


def test_changed_row_is_updated_and_new_row_inserted(warehouse: Warehouse, tmp_path: Path) -> None:
    spec = get_preset("hubspot-deals")
    load_file(warehouse, _deals(tmp_path / "a.csv", {1: "10", 2: "20"}), mapping=spec)
    report = load_file(
        warehouse, _deals(tmp_path / "b.csv", {1: "10", 2: "25", 3: "30"}), mapping=spec
    )
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    rows = warehouse.duckdb.execute(
        "SELECT source_id, amount, _load_id FROM opportunities ORDER BY source_id"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("1", 10.0), ("2", 25.0), ("3", 30.0)]
    assert rows[1][2] == report.load_id
    assert rows[0][2] != report.load_id
    keys = warehouse.duckdb.execute(
        "SELECT count(*), count(DISTINCT (source_system, source_id)) FROM opportunities"
    ).fetchone()
    assert keys == (3, 3)


def test_duplicate_ids_last_row_wins(warehouse: Warehouse, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "d.csv",
        DEALS + "1,A,closedwon,1,USD,2024-01-05,\n"
        "1,B,closedwon,2,USD,2024-01-05,\n1,C,closedwon,3,USD,2024-01-05,\n",
    )
    report = load_file(warehouse, path, mapping=get_preset("hubspot-deals"))
    assert warehouse.duckdb.execute("SELECT name FROM opportunities").fetchall() == [("C",)]
    problems = quarantine_rows(warehouse).to_pylist()
    assert sorted(p["row"] for p in problems) == [2, 3]
    assert all(p["reason"].startswith("superseded by row 4") for p in problems)
    assert report.rows_read == report.inserted + report.quarantined == 3


def test_two_systems_keep_their_own_rows(warehouse: Warehouse, tmp_path: Path) -> None:
    load_file(warehouse, _deals(tmp_path / "h.csv", {1: "10"}), mapping=get_preset("hubspot-deals"))
    sf = _write(tmp_path / "s.csv", "Opportunity ID,Opportunity Name,Created Date\n1,X,1/5/2024\n")
    report = load_file(warehouse, sf, mapping=get_preset("salesforce-opportunities"))
    assert report.inserted == 1
    assert table_counts(warehouse)["opportunities"] == 2


def test_loads_are_recorded(warehouse: Warehouse, tmp_path: Path) -> None:
    good = _deals(tmp_path / "d.csv", {1: "10", 2: "x"})
    report = load_file(warehouse, good, mapping=get_preset("hubspot-deals"), actor="bo")
    with pytest.raises(FileRejected):
        load_file(warehouse, _write(tmp_path / "e.csv", ""), mapping=get_preset("hubspot-deals"))
    last, first = recent_loads(warehouse)
    assert first.load_id == report.load_id
    assert first.status == "loaded"
    assert (first.rows_read, first.inserted, first.quarantined) == (2, 1, 1)
    assert first.actor == "bo"
    assert first.file_hash == report.file_hash
    assert first.tables["opportunities"].inserted == 1
    assert first.finished_at is not None
    assert last.status == "rejected"
    assert "is empty" in (last.message or "")


def test_progress_reaches_the_end(warehouse: Warehouse, tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []

    def progress(*, completed: float, total: float, description: str) -> None:
        assert total == 100.0
        seen.append((completed, description))

    load_file(
        warehouse,
        _deals(tmp_path / "d.csv", {1: "1"}),
        mapping=get_preset("hubspot-deals"),
        progress=progress,
    )
    values = [c for c, _ in seen]
    assert values == sorted(values)
    assert values[-1] == 100.0
    assert any("Reading d.csv" in d for _, d in seen)


def test_load_files_in_order(warehouse: Warehouse, tmp_path: Path) -> None:
    paths = [_deals(tmp_path / "a.csv", {1: "1"}), _deals(tmp_path / "b.csv", {1: "2"})]
    reports = load_files(warehouse, paths, mapping=get_preset("hubspot-deals"))
    assert [(r.inserted, r.updated) for r in reports] == [(1, 0), (0, 1)]


def test_bad_timezone_is_an_input_error(warehouse: Warehouse, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Unknown time zone"):
        load_file(
            warehouse,
            _deals(tmp_path / "d.csv", {1: "1"}),
            mapping=get_preset("hubspot-deals"),
            timezone="Mars/Olympus",
        )


def test_workspace_timezone_applies_to_naive_timestamps(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "t.csv",
        TOUCH + "t1,c,2024-07-01 12:00,email,,\nt2,c,2024-07-01T12:00:00Z,email,,\n",
    )
    load_file(warehouse, path, mapping=get_preset("accord-touchpoints"), timezone="Europe/Berlin")
    hours = warehouse.duckdb.execute(
        "SELECT list(hour(ts) ORDER BY source_id) FROM touchpoints"
    ).fetchone()
    assert hours == ([10, 12],)  # Berlin is UTC+2 in July; explicit Z is kept


def _big_touchpoints(path: Path, rows: int) -> Path:
    lines = [TOUCH] + [
        f"t{i},c{i % 977},2024-01-{1 + i % 28:02d}T10:00:00Z,email,cmp{i % 7},marketing\n"
        for i in range(rows)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("phase", ["Reading", "Checking"])
def test_sigkill_mid_load_leaves_the_warehouse_as_before(tmp_path: Path, phase: str) -> None:
    db = tmp_path / "w.duckdb"
    with open_warehouse("duckdb:///" + str(db)) as wh:
        load_file(wh, _deals(tmp_path / "d.csv", {1: "10"}), mapping=get_preset("hubspot-deals"))
        before = table_counts(wh), len(recent_loads(wh)), quarantine_rows(wh).num_rows
    big = _big_touchpoints(tmp_path / "big.csv", 150_000)
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from accord.data.load import load_file
        from accord.data.sources import get_preset
        from accord.data.warehouse import open_warehouse
        def progress(*, completed, total, description):
            print(description, flush=True)
        wh = open_warehouse("duckdb:///" + {str(db)!r})
        load_file(wh, Path({str(big)!r}), mapping=get_preset("accord-touchpoints"),
                  progress=progress)
        print("DONE", flush=True)
    """)
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        deadline = time.monotonic() + 120
        for line in child.stdout:
            assert not line.startswith("DONE"), "the load finished before it could be killed"
            if line.startswith(phase):
                break
            assert time.monotonic() < deadline
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    with open_warehouse("duckdb:///" + str(db)) as wh:
        after = table_counts(wh), len(recent_loads(wh)), quarantine_rows(wh).num_rows
        assert after == before
        assert table_counts(wh)["touchpoints"] == 0
        # and the warehouse still takes loads
        small = _big_touchpoints(tmp_path / "small.csv", 10)
        assert load_file(wh, small, mapping=get_preset("accord-touchpoints")).inserted == 10


@pytest.mark.parametrize("materialize_below", [0, 10**9])
def test_large_file_path_gives_the_same_result(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, materialize_below: int
) -> None:
    from accord.data.loading import write

    monkeypatch.setattr(write, "MATERIALIZE_BELOW", materialize_below)
    path = _write(
        tmp_path / "d.csv",
        DEALS + "1,A,closedwon,1,USD,2024-01-05,\n"
        "2,B,closedwon,x,USD,2024-01-05,\n1,C,closedwon,3,USD,2024-01-05,\n"
        "3,D,closedwon,-4,USD,never,\n",
    )
    report = load_file(warehouse, path, mapping=get_preset("hubspot-deals"))
    problems = sorted(
        (p["row"], p["column_name"], p["value"], p["reason"].split(" (")[0])
        for p in quarantine_rows(warehouse).to_pylist()
    )
    assert problems == [
        (2, "source_id", "1", "superseded by row 4"),
        (3, "Amount", "x", "not an amount"),
        (5, "Amount", "-4", "negative"),
        (5, "Create Date", "never", "not a date-time"),
    ]
    assert (report.inserted, report.quarantined) == (1, 3)


def test_other_backends_are_refused_clearly(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from accord.errors import StoreError

    other = Warehouse(url="postgres://db/warehouse", backend=SimpleNamespace(name="postgres"))
    with pytest.raises(StoreError, match="needs the DuckDB warehouse"):
        load_file(other, _deals(tmp_path / "d.csv", {1: "1"}), mapping=get_preset("hubspot-deals"))


def test_parquet_and_json_lines_with_typed_values(warehouse: Warehouse, tmp_path: Path) -> None:
    import duckdb

    parquet = tmp_path / "spend.parquet"
    duckdb.sql(
        "SELECT DATE '2024-03-01' + i::INT AS date, 'email' AS channel, 'c' || i AS campaign_id, "
        "12.5 * i AS amount, 'EUR' AS currency FROM range(3) t(i)"
    ).write_parquet(str(parquet))
    report = load_file(warehouse, parquet, mapping=get_preset("accord-spend"))
    assert (report.rows_read, report.inserted, report.quarantined) == (3, 3, 0)
    total = warehouse.duckdb.execute("SELECT sum(amount), max(date)::VARCHAR FROM spend").fetchone()
    assert total == (37.5, "2024-03-03")

    lines = tmp_path / "events.jsonl"
    lines.write_text(
        '{"event_id": "e1", "ts": 1704449400, "event": "login", "feature": {"a": [1]}}\n'
        '{"event_id": "e2", "ts": "2024-01-05T10:10:00Z", "event": "export"}\n',
        encoding="utf-8",
    )
    report = load_file(warehouse, lines, mapping=get_preset("accord-product_events"))
    assert (report.inserted, report.quarantined) == (2, 0)
    rows = warehouse.duckdb.execute(
        "SELECT source_id, ts::VARCHAR, feature FROM product_events ORDER BY 1"
    ).fetchall()
    assert rows == [("e1", "2024-01-05 10:10:00", '{"a":[1]}'), ("e2", "2024-01-05 10:10:00", None)]


def test_accord_layout_with_own_keys_and_composite_default(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    own = _write(
        tmp_path / "tp.csv",
        "source_system,source_id,touchpoint_id,ts,channel\n"
        "web,w-1,1,2024-01-05T10:00:00Z,email\n,,2,2024-01-05T11:00:00Z,email\n",
    )
    load_file(warehouse, own, mapping=get_preset("accord-touchpoints"))
    keys = warehouse.duckdb.execute(
        "SELECT source_system, source_id FROM touchpoints ORDER BY touchpoint_id"
    ).fetchall()
    assert keys == [("web", "w-1"), ("accord", "2")]  # empty keys fall back per row
    spend = _write(tmp_path / "s.csv", "date,channel,campaign_id,amount\n2024-01-05,email,,10\n")
    load_file(warehouse, spend, mapping=get_preset("accord-spend"))
    assert warehouse.duckdb.execute("SELECT source_id FROM spend").fetchall() == [
        ("2024-01-05|email|",)
    ]
