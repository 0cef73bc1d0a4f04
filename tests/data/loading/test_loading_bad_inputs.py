"""The bad-input corpus: every malformed file gives its message, and nothing is lost.

Driven by ``tests/fixtures/bad_inputs/cases.yaml`` (written by ``make_corpus.py`` there).
For a refused file: the message names the problem, and the warehouse holds no row from
it (only the ``rejected`` load record). For a loaded file: good rows are in the table,
bad rows are in quarantine with the expected reasons, and the counts add up to the rows
read.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord.data.catalog import quarantine_rows, recent_loads, table_counts
from accord.data.load import load_file
from accord.data.sources import get_preset, load_mapping
from accord.data.warehouse import Warehouse, open_warehouse
from accord.errors import FileRejected

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text("utf-8"))
DEALS = "Record ID,Deal Name,Deal Stage,Amount,Currency,Create Date,Close Date\n"


def _generate(kind: str, path: Path) -> Path:
    if kind == "mixed_encoding":
        rows = "".join(f"{i},Deal {i},closedwon,10,USD,2024-01-05,\n" for i in range(8000))
        bad = "8000,M\xfcller,closedwon,10,USD,2024-01-05,\n".encode("cp1252")
        path.write_bytes((DEALS + rows).encode() + bad)
        return path
    big = "x" * (9 * 1024 * 1024) if kind == "huge_field" else "y" * (1024 * 1024)
    rows = [f'1,"{big}",closedwon,1,USD,2024-01-05,\n']
    if kind == "huge_field":
        rows.append("2,Fine,closedwon,1,USD,2024-01-05,\n")
    path.write_text(DEALS + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    wh = open_warehouse("duckdb:///" + str(tmp_path / "w.duckdb"))
    yield wh  # type: ignore[misc]
    wh.close()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all((CORPUS / c["file"]).is_file() or c.get("generate") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input(case: dict[str, Any], warehouse: Warehouse, tmp_path: Path) -> None:
    path = CORPUS / case["file"]
    if case.get("generate"):
        path = _generate(case["generate"], tmp_path / case["file"])
    mapping = (
        load_mapping(CORPUS / case["mapping"]) if "mapping" in case else get_preset(case["preset"])
    )
    if "reject" in case:
        with pytest.raises(FileRejected) as caught:
            load_file(warehouse, path, mapping=mapping, timezone="America/New_York")
        assert case["reject"] in caught.value.message
        assert str(path) in str(caught.value)
        if "hint" in case:
            assert case["hint"] in (caught.value.hint or "")
        assert sum(table_counts(warehouse).values()) == 0
        assert quarantine_rows(warehouse).num_rows == 0
        assert [r.status for r in recent_loads(warehouse)] == ["rejected"]
        return

    report = load_file(warehouse, path, mapping=mapping, timezone="America/New_York")
    (table,) = report.tables  # single-target presets only in the corpus
    problems = quarantine_rows(warehouse, load_id=report.load_id).to_pylist()
    expected = case.get("quarantine", {})
    reasons = Counter(
        fragment for p in problems for fragment in expected if fragment in (p["reason"] or "")
    )
    assert dict(reasons) == expected, [(p["row"], p["column_name"], p["reason"]) for p in problems]
    assert len(problems) == sum(expected.values()), problems
    assert report.rows_read == case["rows_read"]
    assert report.inserted == case["loaded"]
    assert report.skipped == case.get("skipped", 0)
    # nothing lost: every record is loaded, quarantined or skipped as furniture
    assert report.rows_read == (
        report.inserted + report.updated + report.unchanged + report.quarantined + report.skipped
    )
    assert report.quarantined == len({p["row"] for p in problems})
    assert table_counts(warehouse)[table] == case["loaded"]
    for p in problems:
        assert p["file"] == str(path)
        assert p["row"] >= 2
        assert p["record"]
    for sql, want in case.get("check", []):
        got = warehouse.duckdb.execute(sql).fetchone()[0]
        assert got == pytest.approx(want) if isinstance(want, float) else got == want, sql


def test_gzip_case_is_really_compressed() -> None:
    data = (CORPUS / "gzip_compressed.csv.gz").read_bytes()
    assert data[:2] == b"\x1f\x8b"
    assert gzip.decompress(data).startswith(b"Record ID")
