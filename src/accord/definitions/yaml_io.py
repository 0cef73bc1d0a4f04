"""Definitions as code: YAML in (with the line of every node), canonical YAML out.

One file holds one definition. Loading never raises on a bad file: YAML syntax errors,
duplicate keys and spec errors all become :class:`~accord.definitions.issues.Issue`\\ s
pointing at file and line, so ``load_folder`` reports every problem of every file at once.
Dumping writes the canonical form: envelope first, body fields in declaration order,
defaults left out, sets sorted; ``load_text(dump(d)) == d``.

Examples
--------
>>> text = '''
... kind: term
... name: sal
... owners: [sales, marketing]
... body:
...   definition: A lead sales accepted.
...   synonyms: [accepted lead]
... '''
>>> loaded = load_text(text, file="sal.yaml")
>>> loaded.issues, loaded.entry.where("body", "synonyms")
((), ('sal.yaml', 7))
>>> print(dump(loaded.entry.definition), end="")
kind: term
name: sal
owners:
- marketing
- sales
body:
  definition: A lead sales accepted.
  synonyms:
  - accepted lead
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.definitions.catalog import Catalog, Entry, SourceMap, YamlPath
from accord.definitions.issues import Issue
from accord.definitions.spec_issues import spec_issues
from accord.definitions.specs import Definition, parse_definition

__all__ = ["FolderLoad", "Loaded", "dump", "load_file", "load_folder", "load_text", "to_data"]


@dataclass(frozen=True, slots=True)
class Loaded:
    """What loading one file gave: the entry (``None`` if it did not parse) and issues."""

    entry: Entry | None
    issues: tuple[Issue, ...]


def _issue(file: str | None, line: int | None, code: str, message: str, fix: str) -> Issue:
    return Issue(code=code, message=message, fix=fix, file=file, line=line)


class _Builder:
    """Turn a composed YAML node tree into plain data, recording the line of every node."""

    def __init__(self, loader: yaml.SafeLoader, file: str | None) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[YamlPath, int] = {}
        self.scalars: dict[YamlPath, object] = {}
        self.issues: list[Issue] = []

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    self.issues.append(
                        _issue(
                            self.file,
                            line,
                            "invalid-yaml",
                            f"key {key!r} is not text",
                            "write keys as words; quote keys YAML reads as numbers or yes/no",
                        )
                    )
                    continue
                if key in out:
                    self.issues.append(
                        _issue(
                            self.file,
                            line,
                            "duplicate-key",
                            f"key {key!r} appears twice in the same mapping",
                            "keep one of them (YAML would silently keep the last)",
                        )
                    )
                    continue
                self.lines[(*path, key)] = line
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines[(*path, i)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, i)))
            return items
        value = self.loader.construct_object(node, deep=True)
        self.scalars[path] = value
        return value


def load_text(text: str, *, file: str | None = None) -> Loaded:
    """Load one definition from YAML *text*; *file* is only used in issues."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = e.problem or str(e)
            return Loaded(
                None,
                (
                    _issue(
                        file,
                        line,
                        "invalid-yaml",
                        f"YAML: {problem}",
                        "fix the YAML syntax at this line",
                    ),
                ),
            )
        except yaml.YAMLError as e:
            return Loaded(
                None, (_issue(file, None, "invalid-yaml", f"YAML: {e}", "fix the YAML syntax"),)
            )
        if node is None:
            return Loaded(
                None,
                (
                    _issue(
                        file,
                        1,
                        "invalid-spec",
                        "the file is empty",
                        "write one definition (kind, name, owners, body)",
                    ),
                ),
            )
        builder = _Builder(loader, file)
        try:
            data = builder.build(node, ())
        except yaml.YAMLError as e:
            return Loaded(
                None,
                (
                    _issue(
                        file, None, "invalid-yaml", f"YAML: {e}", "use plain YAML values (no tags)"
                    ),
                ),
            )
    finally:
        loader.dispose()
    source = SourceMap(file, {(): node.start_mark.line + 1, **builder.lines}, builder.scalars)
    if builder.issues:
        return Loaded(None, tuple(builder.issues))
    if not isinstance(data, dict):
        return Loaded(
            None,
            (
                _issue(
                    file,
                    1,
                    "invalid-spec",
                    "a definition must be a mapping",
                    "start with `kind:`, `name:`, `owners:`, `body:`",
                ),
            ),
        )
    try:
        definition = parse_definition(data)
    except ValidationError as e:
        return Loaded(None, tuple(spec_issues(e, data, file, source)))
    return Loaded(Entry(definition, source), ())


def load_file(path: Path, *, display: str | None = None) -> Loaded:
    """Load one definition file; issues name it *display* (default: the path)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return Loaded(
            None,
            (
                _issue(
                    display or str(path),
                    None,
                    "unreadable-file",
                    str(e),
                    "save the file as UTF-8 text",
                ),
            ),
        )
    return load_text(text, file=display or str(path))


@dataclass(frozen=True, slots=True)
class FolderLoad:
    """Every definition that parsed, and every issue of every file."""

    catalog: Catalog
    issues: tuple[Issue, ...]


def load_folder(folder: Path) -> FolderLoad:
    """Load every ``*.yaml``/``*.yml`` under *folder* (recursively, in path order).

    Issues name files relative to *folder*, with ``/`` separators.
    """
    entries: list[Entry] = []
    issues: list[Issue] = []
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        loaded = load_file(path, display=path.relative_to(folder).as_posix())
        issues.extend(loaded.issues)
        if loaded.entry is not None:
            entries.append(loaded.entry)
    return FolderLoad(Catalog(entries), tuple(issues))


def to_data(definition: Definition) -> dict[str, Any]:
    """The canonical plain-data form: envelope first, defaults left out of the body."""
    data: dict[str, Any] = {
        "kind": definition.kind,
        "name": definition.name,
        "owners": list(definition.owners),
    }
    if definition.description:
        data["description"] = definition.description
    data["body"] = definition.body.model_dump(mode="json", exclude_defaults=True)
    return data


class _Dumper(yaml.SafeDumper):
    """Safe dumper writing long prose as folded blocks (``>-``), readable in a diff."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(definition: Definition) -> str:
    """Canonical YAML text of *definition*."""
    text: str = yaml.dump(
        to_data(definition), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=90
    )
    return text
