"""Printing results: Rich tables for people, JSON and CSV for other tools.

Data goes to stdout (so ``--format json | jq`` works); messages and progress bars go to
stderr.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, assert_never

from rich import box
from rich.console import Console
from rich.table import Table

from accord.cli._options import OutputFormat

__all__ = ["emit_json", "emit_rows", "err", "mask_url", "out", "rich_table", "to_jsonable"]


def out() -> Console:
    """A console on stdout (resolved at each call, so tests can capture it)."""
    return Console(highlight=False)


def err() -> Console:
    """A console on stderr, for messages and progress."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def to_jsonable(value: Any) -> Any:
    """*value* with dates, paths, decimals and enums turned into JSON types."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def emit_json(value: Any) -> None:
    """Print *value* as indented JSON on stdout."""
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S%z") if value.tzinfo else value.isoformat(" ")
    return str(to_jsonable(value))


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    fmt: OutputFormat,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print *rows* (dicts) in *fmt*, keeping *columns* in order.

    ``table`` prints *empty* on stderr when there are no rows; ``json`` prints a list of
    objects; ``csv`` prints a header and one line per row (RFC 4180 quoting).
    """
    if fmt is OutputFormat.json:
        emit_json([{c: row.get(c) for c in columns} for row in rows])
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                ["" if row.get(c) is None else to_jsonable(row.get(c)) for c in columns]
            )
    elif fmt is OutputFormat.table:
        if not rows:
            err().print(empty)
            return
        out().print(rich_table(rows, columns=columns, title=title))
    else:
        assert_never(fmt)


def rich_table(
    rows: Sequence[Mapping[str, Any]], *, columns: Sequence[str], title: str | None = None
) -> Table:
    """A compact Rich table of *rows*: numbers right-aligned and never wrapped."""
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for c in columns:
        values = [r.get(c) for r in rows if r.get(c) is not None]
        numeric = bool(values) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
        if numeric:
            table.add_column(c, justify="right", no_wrap=True)
        else:
            table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


_PASSWORD = re.compile(r"(?P<head>://[^:/@]*:)(?P<password>[^@]*)@")


def mask_url(url: str) -> str:
    """*url* with any password replaced by ``***``."""
    return _PASSWORD.sub(r"\g<head>***@", url)
