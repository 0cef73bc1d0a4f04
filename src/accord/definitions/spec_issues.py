"""Turn pydantic's validation errors into issues pointing at the YAML line, with a fix.

Pydantic reports locations in the model (``('metric', 'body', 'measure', 'count', 'x')``,
with union tags in between); :func:`spec_issues` walks the loaded data along that location,
skipping the tags, to find the node and its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from accord.definitions.catalog import SourceMap, YamlPath
from accord.definitions.issues import Issue

__all__ = ["spec_issues"]

_DOCS = "see docs/definitions.md"


def _yaml_path(data: Any, loc: tuple[int | str, ...]) -> YamlPath:
    """Map a pydantic error location to a path in the YAML data (skipping union tags)."""
    path: list[str | int] = []
    cur = data
    for part in loc:
        in_dict = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if in_dict or in_list:
            cur = cur[part]
            path.append(part)
    return tuple(path)


def _fix(error: Mapping[str, Any], field: str) -> str:
    ctx = error.get("ctx") or {}
    match error["type"]:
        case "missing":
            return f"add `{field}`"
        case "extra_forbidden":
            return (
                f"remove `{field}` or correct its spelling (docs/definitions.md lists the fields)"
            )
        case "literal_error":
            return f"use {ctx.get('expected', 'an allowed value')}"
        case "union_tag_invalid":
            return f"use one of {ctx.get('expected_tags', 'the allowed values')}"
        case "union_tag_not_found":
            return f"add `{ctx.get('discriminator', 'the type field')}`"
        case "string_pattern_mismatch":
            return "use lower_snake_case (letters, digits, underscores; a letter first)"
        case _:
            return _DOCS


def spec_issues(exc: ValidationError, data: Any, file: str | None, lines: SourceMap) -> list[Issue]:
    issues: dict[tuple[int | None, str], Issue] = {}
    name = data.get("name") if isinstance(data, dict) else None
    for error in exc.errors():
        loc = tuple(error["loc"])
        path = _yaml_path(data, loc)
        field = str(loc[-1]) if loc else "?"
        shown = ".".join(str(p) for p in path)
        if error["type"] == "missing":
            shown = f"{shown}.{field}" if shown else field
        message = f"{shown or 'definition'}: {error['msg']}"
        line = lines.line(path)
        issues.setdefault(
            (line, message),
            Issue(
                code="invalid-spec",
                message=message,
                fix=_fix(error, field),
                file=file,
                line=line,
                definition=name if isinstance(name, str) else None,
            ),
        )
    return list(issues.values())
