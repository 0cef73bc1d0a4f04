"""Split path strings (``eta > iota > alpha``) into integer channel codes, vectorised.

A million paths hold some ten million touches; splitting them into Python strings
would dominate every model's cost. For a one-byte separator the string column's bytes
are cut where separators are, without copying: each *element* is a channel name with
its trailing separator, an Arrow string view on the original buffer. Dictionary-encoding
the elements yields a handful of distinct spellings, which are trimmed and mapped to
channel codes in Python. Other separators (and list columns) go through Arrow's
``split_pattern``. Channel names are trimmed of spaces and empty names are skipped, as
ChannelAttribution does.

Examples
--------
>>> import pyarrow as pa
>>> tokens = split_paths(pa.array(["a > b", " b>>a ", ""]), sep=">")
>>> tokens.channels, tokens.touches.tolist(), tokens.row_lengths.tolist()
(('a', 'b'), [0, 1, 1, 0], [2, 2, 0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from accord.errors import InputError

__all__ = ["Tokens", "split_paths"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """The touches of a column of paths.

    Parameters
    ----------
    channels
        Channel names in order of first appearance; ``touches`` index into it.
    touches
        Channel code of every non-empty touch, row after row, in path order.
    row_lengths
        Touches per row.
    kept
        For a list column: which flattened list items were kept (non-empty names), to
        align per-touch side columns such as ages; ``None`` for string columns.
    """

    channels: tuple[str, ...]
    touches: IntArray
    row_lengths: IntArray
    kept: npt.NDArray[np.bool_] | None = None


def split_paths(raw: pa.Array | pa.ChunkedArray, *, sep: str) -> Tokens:
    """Split a string (or list-of-strings) column into channel codes.

    Parameters
    ----------
    raw
        One path per row: a string column split on ``sep``, or a list of strings. A
        chunked column is split chunk by chunk (no copy of the whole column).
    sep
        The separator of string paths.
    """
    if isinstance(raw, pa.ChunkedArray):
        parts = [split_paths(chunk, sep=sep) for chunk in raw.chunks]
        return _concat(parts) if parts else split_paths(pa.array([], raw.type), sep=sep)
    if pa.types.is_list(raw.type) or pa.types.is_large_list(raw.type):
        return _split_lists(raw)
    if not (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
        raise InputError(f"Paths must be strings or lists of strings, not {raw.type}.")
    if not sep:
        raise InputError("The path separator must not be empty.")
    if len(sep.encode()) != 1:
        return _split_lists(pc.split_pattern(raw.cast(pa.string()), sep), string_sep=sep)
    return _split_bytes(raw, sep)


def _concat(parts: list[Tokens]) -> Tokens:
    """Join the tokens of consecutive chunks, unifying their channel codes."""
    names: dict[str, int] = {}
    touches = []
    for part in parts:
        remap = np.array([names.setdefault(ch, len(names)) for ch in part.channels], np.int64)
        touches.append(remap[part.touches] if len(remap) else part.touches)
    kept = [p.kept for p in parts if p.kept is not None]
    return Tokens(
        channels=tuple(names),
        touches=np.concatenate(touches),
        row_lengths=np.concatenate([p.row_lengths for p in parts]),
        kept=np.concatenate(kept) if len(kept) == len(parts) else None,
    )


def _split_bytes(raw: pa.Array, sep: str) -> Tokens:
    strings = pc.fill_null(raw, "") if raw.null_count else raw
    n = len(strings)
    wide = pa.types.is_large_string(strings.type)
    index = np.int64 if wide else np.int32
    _, offset_buf, data_buf = strings.buffers()
    offsets = np.frombuffer(
        offset_buf, dtype=index, count=n + 1, offset=strings.offset * np.dtype(index).itemsize
    )
    lo, hi = int(offsets[0]), int(offsets[-1])
    if data_buf is None or hi == lo:
        return Tokens((), np.zeros(0, np.int64), np.zeros(n, np.int64))
    data = np.frombuffer(data_buf, dtype=np.uint8, count=hi - lo, offset=lo)
    after_sep = (np.flatnonzero(data == sep.encode()[0]) + (lo + 1)).astype(index)
    starts = offsets[:-1]
    # merge row starts and element starts after separators (both sorted)
    total = n + len(after_sep)
    slot = np.arange(n) + np.searchsorted(after_sep, starts, side="left")  # of each row start
    is_start = np.zeros(total, dtype=bool)
    is_start[slot] = True
    bounds = np.empty(total + 1, dtype=index)
    bounds[:-1][is_start] = starts
    bounds[:-1][~is_start] = after_sep
    bounds[-1] = hi
    array_type = pa.LargeStringArray if wide else pa.StringArray
    elements = array_type.from_buffers(total, pa.py_buffer(bounds), data_buf)
    encoded = pc.dictionary_encode(elements)
    names: list[str] = []
    remap = np.empty(len(encoded.dictionary), dtype=np.int64)
    for i, spelled in enumerate(encoded.dictionary.to_pylist()):
        name = (spelled[:-1] if spelled.endswith(sep) else spelled).strip(" ")
        if not name:
            remap[i] = -1
            continue
        if name not in names:
            names.append(name)
        remap[i] = names.index(name)
    codes = remap[np.asarray(encoded.indices)]
    row_lengths = np.diff(np.append(slot, total))
    if remap.min(initial=0) < 0:  # drop empty names, e.g. of empty rows or "a >> b"
        empty = np.flatnonzero(codes < 0)
        row_lengths -= np.bincount(np.searchsorted(slot, empty, side="right") - 1, minlength=n)
        codes = np.delete(codes, empty)
    return Tokens(tuple(names), codes, row_lengths)


def _split_lists(lists: pa.Array, string_sep: str | None = None) -> Tokens:
    flat = pc.utf8_trim(pc.list_flatten(lists).cast(pa.string()), " ")
    lengths = np.asarray(pc.fill_null(pc.list_value_length(lists), 0), dtype=np.int64)
    rows = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    keep = np.asarray(
        pc.fill_null(pc.and_kleene(pc.is_valid(flat), pc.greater(pc.utf8_length(flat), 0)), False),
        dtype=bool,
    )
    encoded = pc.dictionary_encode(flat.filter(keep))
    return Tokens(
        channels=tuple(encoded.dictionary.to_pylist()),
        touches=np.asarray(encoded.indices, dtype=np.int64),
        row_lengths=np.bincount(rows[keep], minlength=len(lists)).astype(np.int64),
        kept=None if string_sep is not None else keep,
    )
