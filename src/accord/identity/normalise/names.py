"""Person names, and other free text compared as words (cities, streets, states).

Names are folded (accents, case), apostrophes dropped (``O'Neil`` -> ``oneil``), other
punctuation and hyphens read as spaces, and honorifics (``Dr``, ``Mrs``) and
generational suffixes (``Jr``, ``III``) removed when other words remain.

Examples
--------
>>> normalise_person_name("  Dr. Anne-Marie O'Neil ")
'anne marie oneil'
>>> split_full_name("Lee, Ann Marie")
('ann', 'lee')
>>> split_full_name("Mr John Q. Public Jr.")
('john', 'public')
>>> normalise_text("Stockton-on-Tees ")
'stockton on tees'
"""

from __future__ import annotations

import re

from accord.identity.normalise._text import blank_to_none, collapse_spaces, fold_accents

__all__ = [
    "HONORIFICS",
    "SUFFIXES",
    "normalise_person_name",
    "normalise_text",
    "split_full_name",
]

HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "herr", "frau",
     "mme", "mlle", "sra", "srta"}
)  # fmt: skip
"""Titles removed from the start of a name when other words remain."""

SUFFIXES: frozenset[str] = frozenset(
    {"jr", "jnr", "sr", "snr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "cpa", "dds"}
)
"""Generational and professional suffixes removed from the end of a name."""


def normalise_text(value: object) -> str | None:
    """Free text as lower-case, accent-free words separated by single spaces.

    Used for cities, streets and states. Idempotent.
    """
    text = blank_to_none(value)
    if text is None:
        return None
    for _ in range(4):
        folded = fold_accents(text.lower()).lower().replace("'", "").replace("\u2019", "")
        folded = collapse_spaces(re.sub(r"[^\w]|_", " ", folded))
        if folded == text:
            break
        text = folded
    return text or None


def _name_tokens(value: object) -> list[str]:
    text = normalise_text(value)
    tokens = text.split() if text else []
    while len(tokens) > 1 and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in SUFFIXES:
        tokens = tokens[:-1]
    return tokens


def normalise_person_name(value: object) -> str | None:
    """A first name, surname or full name as comparable words. Idempotent."""
    return " ".join(_name_tokens(value)) or None


def split_full_name(value: object) -> tuple[str | None, str | None]:
    """``(first name, surname)`` of a full name.

    ``"Last, First Middle"`` is read surname-first; otherwise the first word is the
    first name and the last word the surname (middle names are dropped; a hyphenated
    surname stays whole). A single word is returned as the first name.
    """
    text = blank_to_none(value)
    if text is None:
        return None, None
    if "," in text:
        last, _, first = text.partition(",")
        first_words, last_words = _words(first), _words(last)
        if first_words and last_words:
            return first_words[0], " ".join(last_words)
    words = _words(text)
    if not words:
        return None, None
    if len(words) == 1:
        return words[0], None
    return words[0], words[-1]


def _words(text: str) -> list[str]:
    """Whitespace-separated words, each normalised, titles and suffixes dropped."""
    words = [w for w in (normalise_text(raw) for raw in text.split()) if w]
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    return words
