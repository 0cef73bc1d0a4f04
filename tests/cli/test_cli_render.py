"""Rendering helpers: JSON and CSV for tools, passwords never printed."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.cli._options import OutputFormat
from accord.cli._render import emit_rows, mask_url, to_jsonable


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://accord:s3cr:et@db:5432/acc",
            "postgresql+psycopg://accord:***@db:5432/acc",
        ),
        ("postgresql+psycopg://accord@db/acc", "postgresql+psycopg://accord@db/acc"),
        ("sqlite:////srv/state.sqlite", "sqlite:////srv/state.sqlite"),
        ("duckdb:///warehouse.duckdb", "duckdb:///warehouse.duckdb"),
    ],
)
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_to_jsonable() -> None:
    value = {
        "at": datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
        "d": date(2024, 1, 2),
        "x": Decimal("1.5"),
        "p": Path("/a"),
        "f": OutputFormat.csv,
        "l": (1, None),
    }
    assert json.loads(json.dumps(to_jsonable(value))) == {
        "at": "2024-01-02T03:04:00+00:00",
        "d": "2024-01-02",
        "x": 1.5,
        "p": "/a",
        "f": "csv",
        "l": [1, None],
    }


def test_csv_quotes_commas_quotes_and_newlines(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"name": 'Acme, "Inc"', "note": "two\nlines", "n": 3}, {"name": "Bo", "n": None}]
    emit_rows(rows, columns=("name", "note", "n"), fmt=OutputFormat.csv)
    parsed = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert parsed == [["name", "note", "n"], ['Acme, "Inc"', "two\nlines", "3"], ["Bo", "", ""]]


def test_json_keeps_column_order_and_nulls(capsys: pytest.CaptureFixture[str]) -> None:
    emit_rows([{"b": 1, "a": None, "z": "ignored"}], columns=("a", "b"), fmt=OutputFormat.json)
    out = capsys.readouterr().out
    assert json.loads(out) == [{"a": None, "b": 1}]
    assert out.index('"a"') < out.index('"b"')
