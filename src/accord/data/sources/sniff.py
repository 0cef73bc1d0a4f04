"""Looking at the first bytes of a file: its format, encoding, delimiter and header line.

Only a sample (the first 256 KiB) is read in Python; the rows themselves are parsed by
DuckDB. Whole-file problems are found here and refused with
:class:`~accord.errors.FileRejected`, naming the problem and the fix: an empty file, a
binary file, an Excel workbook instead of its CSV export.

Encodings: a byte-order mark decides (UTF-8, UTF-16 LE/BE as Excel's "Unicode text"
writes); UTF-16 without a mark is recognised by its zero bytes; otherwise UTF-8 when the
sample decodes as UTF-8, else Windows-1252 (Excel's "CSV" on Windows), else Latin-1.
Delimiters: of ``, ; TAB |`` the one that splits the most sample rows into the same
number (more than one) of fields.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.data.sources.matching import find
from accord.data.sources.spec import Candidates, ReadOptions
from accord.errors import FileRejected

__all__ = ["DELIMITERS", "FileShape", "sniff"]

SAMPLE_BYTES = 256 * 1024
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
Format = Literal["csv", "parquet", "json", "jsonl"]
_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}  # fmt: skip
_NATIVE_ENCODINGS = ("utf-8", "utf-8-sig")


@dataclass(frozen=True, slots=True)
class FileShape:
    """What :func:`sniff` found out about a file.

    Attributes
    ----------
    format
        ``csv``, ``parquet``, ``json`` or ``jsonl``.
    encoding
        Python codec name of a text file (``utf-8``, ``utf-16-le``, ``cp1252`` ...).
    compressed
        Whether the file is gzip-compressed.
    delimiter
        Field delimiter of a CSV file.
    skip
        Lines above the header line of a CSV file (report titles, blank lines).
    headers
        Header cells of a CSV file (other formats: discovered when read).
    """

    format: Format
    encoding: str = "utf-8"
    compressed: bool = False
    delimiter: str = ","
    skip: int = 0
    headers: tuple[str, ...] = ()

    @property
    def needs_transcoding(self) -> bool:
        """Whether the text must be re-encoded as UTF-8 before DuckDB reads it."""
        return self.format != "parquet" and self.encoding not in _NATIVE_ENCODINGS


def _reject(path: Path, message: str, hint: str | None = None) -> FileRejected:
    return FileRejected(message, path=str(path), hint=hint)


def _head(path: Path) -> tuple[bytes, bool]:
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as handle:
                return handle.read(SAMPLE_BYTES), True
    except FileNotFoundError:
        raise _reject(path, "no such file") from None
    except IsADirectoryError:
        raise _reject(path, "is a folder, not a file", "Pass the files inside it.") from None
    except (OSError, EOFError) as exc:
        raise _reject(path, f"cannot be read ({exc})") from exc
    return head, False


def _format(path: Path, head: bytes, read: ReadOptions) -> Format:
    if head[:4] == b"PK\x03\x04" or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _reject(
            path,
            "is an Excel workbook, not a CSV file",
            "Open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)', "
            "then load the .csv file.",
        )
    if read.format != "auto":
        return read.format
    if head[:4] == b"PAR1":
        return "parquet"
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".gzip")]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"[":
        return "json"
    if start == b"{":
        return "jsonl"
    return "csv"


def _encoding(path: Path, head: bytes, read: ReadOptions) -> str:
    if read.encoding:
        return read.encoding
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 2 * even:
            return "utf-16-le"
        if even > 2 * odd:
            return "utf-16-be"
    zero = head.find(0)
    controls = sum(head.count(b) for b in (*range(1, 9), 11, 12, *range(14, 27), *range(28, 32)))
    if zero >= 0 or controls * 100 > len(head):
        at = f" (a zero byte at offset {zero})" if zero >= 0 else ""
        raise _reject(
            path,
            f"is not a text file: it holds binary data{at}",
            "Export the data as CSV, Parquet, JSON or JSON lines.",
        )
    text = head if len(head) < SAMPLE_BYTES else head[: head.rfind(b"\n") + 1] or head
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1252"
    return "utf-8"


def _records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """The first *limit* records with the line count consumed up to each one's end."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            found.append((row, reader.line_num))
            if len(found) >= limit:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted field
    return found


def _delimiter(text: str, read: ReadOptions) -> str:
    if read.delimiter:
        return read.delimiter
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        widths = [len(r) for r, _ in _records(text, delimiter, 200) if any(c.strip() for c in r)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (width > 1, count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _header(
    records: list[tuple[list[str], int]], read: ReadOptions, expected: Sequence[Candidates]
) -> int:
    """Index of the header record."""
    if read.header != "auto":
        lines_before = [0] + [end for _, end in records]
        for i, before in enumerate(lines_before[: len(records)]):
            if before >= read.header:
                return i
        return len(records)
    widths = Counter(len(r) for r, _ in records if len(r) > 1)
    width = widths.most_common(1)[0][0] if widths else 1
    best, best_hits = None, 0
    for i, (row, _) in enumerate(records[:50]):
        hits = sum(find(c, row) is not None for c in expected)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    for i, (row, _) in enumerate(records):
        if len(row) >= width and any(c.strip() for c in row):
            return i
    return 0


def sniff(path: Path, read: ReadOptions, expected: Sequence[Candidates] = ()) -> FileShape:
    """Find the format, encoding, delimiter and header of the file at *path*.

    Parameters
    ----------
    path
        The file.
    read
        The mapping's ``read`` options; any option given there is used as it is.
    expected
        Candidate header names of the mapping, to find the header line below report
        titles (``header: auto``).

    Raises
    ------
    FileRejected
        The file is missing, empty, binary or an Excel workbook.
    """
    head, compressed = _head(path)
    if not head.strip(b" \t\r\n\xef\xbb\xbf\x00\xff\xfe"):
        raise _reject(path, "is empty", "Export the data again; the file has no content.")
    fmt = _format(path, head, read)
    if fmt == "parquet":
        return FileShape(format=fmt, compressed=compressed)
    encoding = _encoding(path, head, read)
    text = head.decode(_python_codec(encoding, head), errors="replace")
    if len(head) >= SAMPLE_BYTES:
        text = text[: text.rfind("\n") + 1] or text
    text = text.removeprefix("\ufeff")
    if fmt != "csv":
        return FileShape(format=fmt, encoding=encoding, compressed=compressed)
    delimiter = _delimiter(text, read)
    records = _records(text, delimiter, 400)
    if not records or not any(c.strip() for r, _ in records for c in r):
        raise _reject(path, "is empty", "Export the data again; the file has no rows.")
    index = _header(records, read, expected)
    skip = records[index - 1][1] if index > 0 else 0
    headers = tuple(c.strip() for c in records[index][0]) if index < len(records) else ()
    return FileShape(
        format="csv",
        encoding=encoding,
        compressed=compressed,
        delimiter=delimiter,
        skip=skip,
        headers=headers,
    )


def _python_codec(encoding: str, head: bytes) -> str:
    if encoding == "utf-16" and head.startswith(b"\xfe\xff"):
        return "utf-16"
    return encoding
