"""A validation issue: what is wrong with a definition, where, and how to fix it.

Issues are data, not exceptions: loading and validating a folder of definitions returns
*every* issue at once (the metricflow model), so a reviewer fixes them in one pass.

Examples
--------
>>> str(Issue(code="unknown-table", message="table 'leadz' does not exist",
...           fix="use a canonical table", file="mqls.yaml", line=7, definition="mqls"))
"mqls.yaml:7: [unknown-table] mqls: table 'leadz' does not exist (fix: use a canonical table)"
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Issue"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one definition.

    Parameters
    ----------
    code
        Stable kebab-case identifier (``unknown-column``, ``circular-reference``, ...);
        ``docs/definitions.md`` lists them all.
    message
        What is wrong, in one sentence.
    fix
        How to fix it.
    file, line
        Where (1-based line); ``None`` for definitions built in code.
    definition
        The definition's name, when known.
    """

    code: str
    message: str
    fix: str
    file: str | None = None
    line: int | None = None
    definition: str | None = None

    def __str__(self) -> str:
        where = f"{self.file or '<memory>'}:{self.line or '?'}"
        who = f" {self.definition}:" if self.definition else ""
        return f"{where}: [{self.code}]{who} {self.message} (fix: {self.fix})"

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, line, code, message."""
        return (self.file or "", self.line or 0, self.code, self.message)
