"""Regressions found by running real-shaped exports through the loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.data.catalog import ensure_warehouse_schema, quarantine_rows
from accord.data.load import LoadReport, load_file
from accord.data.sources import get_preset
from accord.data.warehouse import open_warehouse

HEADER = "Id,Subject,Requester,Requester email,Status,Priority,Created at,Solved at\n"


def _load(
    tmp_path: Path, body: str
) -> tuple[LoadReport, list[tuple[object, ...]], list[dict[str, object]]]:
    path = tmp_path / "zendesk.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with open_warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}") as wh:
        ensure_warehouse_schema(wh)
        report = load_file(wh, path, mapping=get_preset("zendesk-tickets"))
        rows = wh.duckdb.execute(
            "SELECT ticket_id, opened_at, closed_at FROM tickets ORDER BY ticket_id"
        ).fetchall()
        quarantined = quarantine_rows(wh).to_pylist()
    return report, rows, quarantined


def test_offsets_after_a_space_are_read_as_ruby_and_go_print_them(tmp_path: Path) -> None:
    report, rows, quarantined = _load(
        tmp_path,
        "1,Help,Ann Lee,ann@x.com,solved,high,2025-05-25 07:58:14 +0000,"
        "2025-05-25 09:49:15 -0500\n"
        "2,Hi,Bo,bo@y.com,open,low,2025-05-26 10:00:00 +05:30,\n",
    )
    assert (report.inserted, report.quarantined, quarantined) == (2, 0, [])
    assert rows == [
        ("1", dt.datetime(2025, 5, 25, 7, 58, 14), dt.datetime(2025, 5, 25, 14, 49, 15)),
        ("2", dt.datetime(2025, 5, 26, 4, 30), None),
    ]


def test_a_bad_value_in_a_file_without_optional_columns_is_quarantined(tmp_path: Path) -> None:
    # Several mapped columns (Description, Ticket type, ...) are absent: the quarantine
    # rows must still be built (this used to fail inside DuckDB's list_value()).
    report, rows, quarantined = _load(
        tmp_path,
        "1,Help,Ann Lee,ann@x.com,solved,high,not a date,\n"
        "2,Hi,Bo,bo@y.com,open,low,2025-05-26T10:00:00Z,\n",
    )
    assert (report.inserted, report.quarantined) == (1, 1)
    assert [r[0] for r in rows] == ["2"]
    assert [(q["row"], q["column_name"], q["value"]) for q in quarantined] == [
        (2, "Created at", "not a date")
    ]
    assert "not a date-time" in str(quarantined[0]["reason"])
