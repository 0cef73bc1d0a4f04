"""Text helpers shared by the normalisers (not public)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def blank_to_none(value: object) -> str | None:
    """Return *value* stripped, or ``None`` if it is missing or blank.

    Non-string values (numbers read from a spreadsheet) are converted with ``str``;
    ``float('nan')`` counts as missing.
    """
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def fold_accents(text: str) -> str:
    """Remove diacritics: ``"Müller"`` -> ``"Muller"``, ``"ß"`` -> ``"ss"``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "SS"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()
