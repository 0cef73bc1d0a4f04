"""A set of definitions with where each came from (file and line of every YAML node).

Validation rules read a :class:`Catalog` and point their issues at ``entry.where(path)``.
A catalog keeps duplicates (two files defining ``mqls``) so that the duplicate-name rule
can report them; lookups by name return the first.

Examples
--------
>>> from accord.definitions.term import TermDefinition
>>> cat = Catalog.of(TermDefinition.model_validate(
...     {"name": "sal", "owners": ["sales"], "body": {"definition": "Accepted by sales."}}))
>>> cat.get("sal").definition.kind, cat.get("sal").where("body", "definition")
('term', (None, None))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from accord.definitions.issues import Issue
from accord.definitions.metric import MetricDefinition
from accord.definitions.specs import Definition

__all__ = ["Catalog", "Entry", "SourceMap", "YamlPath"]

YamlPath = tuple[str | int, ...]
"""Keys and list indexes from the document root to a node, e.g. ``("body", "stages", 2)``."""

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class SourceMap:
    """The file a definition came from and the 1-based line of every node in it.

    For a mapping entry the line is that of its key; for a list item, of the item.
    ``scalars`` keeps the scalar values as written, to find items of lists that specs
    store sorted.
    """

    file: str | None = None
    lines: Mapping[YamlPath, int] = field(default_factory=dict)
    scalars: Mapping[YamlPath, object] = field(default_factory=dict)

    def line(self, path: YamlPath = ()) -> int | None:
        """Line of *path*, or of its nearest ancestor that has one."""
        for n in range(len(path), -1, -1):
            found = self.lines.get(path[:n])
            if found is not None:
                return found
        return None

    def item(self, path: YamlPath, value: object) -> YamlPath:
        """Path of the list item under *path* whose value is *value* (as written in the
        file; specs store sets sorted), else *path* itself."""
        i = 0
        while (*path, i) in self.lines:
            if self.scalars.get((*path, i)) == value:
                return (*path, i)
            i += 1
        return path


@dataclass(frozen=True, slots=True)
class Entry:
    """One definition and its source."""

    definition: Definition
    source: SourceMap = SourceMap()

    @property
    def name(self) -> str:
        """The definition's name."""
        return self.definition.name

    def where(self, *path: str | int) -> tuple[str | None, int | None]:
        """File and line of the node at *path*."""
        return self.source.file, self.source.line(path)

    def issue(self, path: YamlPath, *, code: str, message: str, fix: str) -> Issue:
        """An issue about this definition, located at *path*."""
        return Issue(
            code=code,
            message=message,
            fix=fix,
            file=self.source.file,
            line=self.source.line(path),
            definition=self.name,
        )


class Catalog:
    """Definitions to validate or compile, in load order (duplicates kept)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        first: dict[str, Entry] = {}
        for entry in self.entries:
            first.setdefault(entry.name, entry)
        self._by_name = first

    @classmethod
    def of(cls, *definitions: Definition) -> Catalog:
        """A catalog of definitions built in code (no file, no lines)."""
        return cls(Entry(d) for d in definitions)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Entry | None:
        """The first entry called *name*."""
        return self._by_name.get(name)

    def unique(self) -> list[Entry]:
        """The first entry of every name, in load order."""
        return list(self._by_name.values())

    def of_kind(self, kind: type[D]) -> list[tuple[Entry, D]]:
        """``(entry, definition)`` for the first entry of every name of the given class."""
        return [(e, e.definition) for e in self.unique() if isinstance(e.definition, kind)]

    def names(self, kind: type[object]) -> set[str]:
        """Names of the definitions of the given class."""
        return {e.name for e in self.unique() if isinstance(e.definition, kind)}

    def metrics(self) -> dict[str, MetricDefinition]:
        """Metric definitions by name (what :func:`~accord.definitions.compile.compile_metric`
        takes)."""
        return {e.name: d for e, d in self.of_kind(MetricDefinition)}
