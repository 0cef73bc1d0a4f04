"""CSV files written batch by batch, with bad rows planted on request.

A :class:`Sink` streams one file with :class:`pyarrow.csv.CSVWriter` (all columns as
text, formatted by the caller the way the exporting tool formats them). Empty strings are
written as empty fields. A batch may carry one planted bad row: a column value replaced
by something a loader must quarantine; the sink records where it went.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["Plant", "Sink", "text"]

Column: TypeAlias = Any
"""A pyarrow array, a numpy array or a sequence of strings."""


@dataclass(frozen=True, slots=True)
class Plant:
    """A bad value to put in one row of a batch."""

    column: str
    value: str
    reason: str


def text(values: Column) -> pa.Array:
    """Any column as a pyarrow string array with empty strings as nulls."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(
            list(values) if isinstance(values, np.ndarray) and values.dtype == object else values,
            type=pa.string(),
        )
    if values.type != pa.string():
        values = pc.cast(values, pa.string())
    empty = pc.equal(values, "")
    return pc.if_else(pc.fill_null(empty, False), pa.scalar(None, pa.string()), values)


class Sink:
    """One output file: header fixed at creation, rows appended per batch."""

    def __init__(
        self, out_dir: Path, name: str, preset: str, header: Sequence[str], id_column: str
    ) -> None:
        self.path = out_dir / name
        self.name = name
        self.preset = preset
        self.header = tuple(header)
        self.id_column = id_column
        self.rows = 0
        self._schema = pa.schema([(h, pa.string()) for h in self.header])
        self._writer = pacsv.CSVWriter(
            str(self.path),
            self._schema,
            write_options=pacsv.WriteOptions(quoting_style="needed", batch_size=8192),
        )

    def write(
        self,
        columns: Mapping[str, Column],
        *,
        plant: Plant | None = None,
        rng: np.random.Generator | None = None,
    ) -> dict[str, Any] | None:
        """Append a batch; returns the planted bad row's record, if one was planted."""
        missing = set(self.header) - set(columns)
        if missing:
            raise ValueError(f"{self.name}: no values for {sorted(missing)}")
        arrays = [text(columns[h]) for h in self.header]
        n = len(arrays[0]) if arrays else 0
        record: dict[str, Any] | None = None
        if plant is not None and rng is not None and n:
            row = int(rng.integers(0, n))
            col = self.header.index(plant.column)
            values = arrays[col].to_pylist()
            values[row] = plant.value
            arrays[col] = pa.array(values, type=pa.string())
            record = {
                "file": self.name,
                "row": self.rows + row + 2,
                "record": self.rows + row + 1,
                "source_id": arrays[self.header.index(self.id_column)][row].as_py(),
                "column": plant.column,
                "value": plant.value,
                "reason": plant.reason,
            }
        if n:
            self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        self.rows += n
        return record

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()
