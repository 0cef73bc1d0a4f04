"""Finding a mapping's candidate columns among a file's headers.

Headers and candidates are compared after collapsing whitespace and case-folding, so
``Record  ID`` matches ``record id``. A ``*`` in a candidate matches any text
(``Amount spent (*)`` matches ``Amount spent (EUR)``). A candidate starting with ``@``
does not read a column: it yields the text the ``*`` matched in the header, so
``@Amount spent (*)`` gives ``EUR`` for every row. Candidates are tried in order; the
first that matches a header wins, and among equal headers the leftmost.

Examples
--------
>>> headers = ["Day", "Campaign", "Amount spent (EUR)"]
>>> find(("Amount spent (*)",), headers)
Found(index=2, constant=None, header='Amount spent (EUR)')
>>> find(("Currency", "@Amount spent (*)"), headers)
Found(index=None, constant='EUR', header='Amount spent (EUR)')
>>> find(("Cost",), headers) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Found", "find", "normalise_header"]


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate that matched: a column to read, or a constant captured from a header."""

    index: int | None
    constant: str | None
    header: str


def normalise_header(text: str) -> str:
    """Collapse whitespace and case-fold (``" Record  ID "`` -> ``"record id"``)."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


@lru_cache(maxsize=1024)
def _pattern(candidate: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in normalise_header(candidate).split("*")]
    return re.compile("(.*?)".join(parts) + r"\Z")


def find(candidates: Sequence[str], headers: Sequence[str]) -> Found | None:
    """The first of *candidates* present in *headers* (``None`` when none is)."""
    normalised = [normalise_header(h) for h in headers]
    for candidate in candidates:
        capture = candidate.startswith("@")
        text = candidate[1:] if capture else candidate
        pattern = _pattern(text)
        for index, header in enumerate(normalised):
            match = pattern.match(header)
            if match is None:
                continue
            if not capture:
                return Found(index=index, constant=None, header=headers[index])
            original = _pattern_original(text).match(" ".join(headers[index].split()))
            captured = (original or match).group(1).strip()
            return Found(index=None, constant=captured, header=headers[index])
    return None


@lru_cache(maxsize=256)
def _pattern_original(candidate: str) -> re.Pattern[str]:
    """Like :func:`_pattern` but keeping the header's case for the captured text."""
    parts = [re.escape(p) for p in " ".join(candidate.split()).split("*")]
    return re.compile("(.*?)".join(parts) + r"\Z", re.IGNORECASE)
