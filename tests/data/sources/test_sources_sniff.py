"""Sniffing a file's format, encoding, delimiter and header line."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.data.sources import ReadOptions, get_preset
from accord.data.sources.sniff import sniff
from accord.errors import FileRejected

AUTO = ReadOptions()
HEADER = 'Day,Campaign,Campaign ID,Cost\n2024-01-01,A,1,"1,000.00"\n2024-01-02,A,1,2.00\n'


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (HEADER.encode(), "utf-8"),
        (b"\xef\xbb\xbf" + HEADER.encode(), "utf-8-sig"),
        (HEADER.encode("utf-16"), "utf-16"),
        (HEADER.encode("utf-16-le"), "utf-16-le"),
        (HEADER.encode("utf-16-be"), "utf-16-be"),
        ((HEADER + "2024-01-03,Caf\xe9 \u20ac,1,3\n").encode("cp1252"), "cp1252"),
        ((HEADER + "2024-01-03,\x81,1,3\n").encode("latin-1"), "latin-1"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    shape = sniff(_file(tmp_path, "f.csv", data), AUTO)
    assert shape.encoding == encoding
    assert shape.headers == ("Day", "Campaign", "Campaign ID", "Cost")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    text = "a;b|c\tx,y\n"  # header cells contain the other candidates
    body = "".join(delimiter.join(["1", "2,5", "x"]) + "\n" for _ in range(5))
    header = delimiter.join(["Record ID", "Amount", "Name"]) + "\n"
    shape = sniff(_file(tmp_path, "f.csv", (header + body).encode()), AUTO)
    assert shape.delimiter == delimiter, text


def test_header_below_report_titles(tmp_path: Path) -> None:
    data = ("Campaign report\nJanuary 1, 2024 - January 31, 2024\n\n" + HEADER).encode()
    expected = [c for t in get_preset("google-ads-campaigns").targets for c in t.columns.values()]
    shape = sniff(_file(tmp_path, "f.csv", data), AUTO, expected)
    assert shape.skip == 3
    assert shape.headers[0] == "Day"


def test_header_rows_to_skip_given(tmp_path: Path) -> None:
    data = ("title\n" + HEADER).encode()
    shape = sniff(_file(tmp_path, "f.csv", data), ReadOptions(header=1))
    assert (shape.skip, shape.headers[0]) == (1, "Day")


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("f.parquet", b"PAR1xxxx", "parquet"),
        ("f.json", b"[{}]", "json"),
        ("f.jsonl", b'{"a": 1}\n', "jsonl"),
        ("export", b' [{"a": 1}]', "json"),
        ("export", b'{"a": 1}\n', "jsonl"),
        ("export.txt", b"a\tb\n1\t2\n", "csv"),
    ],
)
def test_formats(tmp_path: Path, name: str, data: bytes, fmt: str) -> None:
    assert sniff(_file(tmp_path, name, data), AUTO).format == fmt


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b"\n \n", "is empty"),
        (b"a,b\n\x00\x01\x02", "binary data (a zero byte at offset 4)"),
        (b"PK\x03\x04rest", "Excel workbook"),
    ],
)
def test_refusals(tmp_path: Path, data: bytes, fragment: str) -> None:
    with pytest.raises(FileRejected, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        sniff(_file(tmp_path, "f.csv", data), AUTO)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="no such file"):
        sniff(tmp_path / "nope.csv", AUTO)
    with pytest.raises(FileRejected, match="is a folder"):
        sniff(tmp_path, AUTO)
