"""Reading path files in ChannelAttribution's layout."""

from __future__ import annotations

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engines.attribution import PathCounts, aggregate_paths
from accord.engines.attribution.parse import split_paths
from accord.errors import InputError


def test_parses_channelattribution_layout() -> None:
    t = pa.table(
        {
            "path": ["eta > iota > alpha", " iota>eta ", "eta >  > eta", "", None],
            "total_conversions": [1, 2, None, 4, 5],
            "total_conversion_value": [1.5, 2.0, 0.0, 8.0, 9.0],
            "total_null": [3, 0, 1, 0, 0],
        }
    )
    pc = PathCounts.from_arrow(
        t, path_col="path", conversions_col="total_conversions",
        value_col="total_conversion_value", null_col="total_null",
    )  # fmt: skip
    assert pc.channels == ("eta", "iota", "alpha")  # trimmed, first-appearance order
    assert [pc.path(i) for i in range(pc.n_paths)] == [
        ("eta", "iota", "alpha"), ("iota", "eta"), ("eta", "eta"),
    ]  # fmt: skip
    assert pc.conversions.tolist() == [1.0, 2.0, 0.0]  # missing count is zero
    assert pc.unattributed_conversions == 9.0  # empty and missing paths
    assert pc.unattributed_value == 17.0


def test_custom_separator_and_list_paths() -> None:
    t = pa.table({"p": ["a|b", "b"], "c": [1, 1]})
    assert PathCounts.from_arrow(t, path_col="p", conversions_col="c", sep="|").channels == (
        "a", "b",
    )  # fmt: skip
    lists = pa.table({"p": [["a", "b"], ["b"]], "c": [1, 1]})
    pc = PathCounts.from_arrow(lists, path_col="p", conversions_col="c")
    assert pc.lengths.tolist() == [2, 1]


def test_bad_input_is_an_input_error() -> None:
    t = pa.table({"p": ["a"], "c": [1]})
    with pytest.raises(InputError, match="'nope'"):
        PathCounts.from_arrow(t, path_col="p", conversions_col="nope")
    with pytest.raises(InputError, match="negative"):
        PathCounts.from_sequences([["a"]], conversions=[-1])
    with pytest.raises(InputError, match="strings"):
        PathCounts.from_arrow(pa.table({"p": [1], "c": [1]}), path_col="p", conversions_col="c")


def test_aggregate_paths_sums_duplicates_in_the_warehouse() -> None:
    t = ibis.memtable({"path": ["a > b", "a > b", "b"], "conv": [1, 2, 0], "n": [1, None, 4]})
    out = aggregate_paths(t, path_col="path", conversions_col="conv", null_col="n")
    rows = {r["path"]: r for r in out.to_pyarrow().to_pylist()}
    assert rows["a > b"]["conversions"] == 3
    assert rows["a > b"]["nulls"] == 1
    assert rows["b"]["nulls"] == 4
    assert rows["b"]["value"] == 0


def test_offsets_must_cover_touches() -> None:
    with pytest.raises(InputError):
        PathCounts(
            channels=("a",),
            offsets=np.array([0, 2]),
            touches=np.array([0]),
            conversions=np.array([1.0]),
        )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(alphabet=" >ab\u00e9\u4e2d|", max_size=12)), max_size=8),
    st.sampled_from([">", "|", "\u00e9"]),
)
def test_byte_splitter_agrees_with_arrow_split(paths: list[str | None], sep: str) -> None:
    """The zero-copy splitter for one-byte separators equals Arrow's split_pattern."""
    raw = pa.array(paths, pa.string())
    fast = split_paths(raw, sep=sep)
    lists = pc.split_pattern(raw, sep)
    slow = split_paths(pa.array(lists.to_pylist(), pa.list_(pa.string())), sep=sep)
    assert fast.channels == slow.channels
    assert fast.touches.tolist() == slow.touches.tolist()
    assert fast.row_lengths.tolist() == slow.row_lengths.tolist()
    # chunk by chunk (as a CSV reader hands them over) gives the same touches
    cut = len(paths) // 2
    chunked = split_paths(pa.chunked_array([raw[:cut], raw[cut:]]), sep=sep)
    assert chunked.channels == fast.channels
    assert chunked.touches.tolist() == fast.touches.tolist()
    assert chunked.row_lengths.tolist() == fast.row_lengths.tolist()
