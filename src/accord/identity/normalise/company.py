"""Company names reduced to the part that identifies the company.

``"The ACME Co., Inc."``, ``"Acme Incorporated"`` and ``"acme.io"`` all become
``"acme"``: accents folded, case and punctuation removed, ``&`` read as ``and``, a
leading "The" and trailing legal-form designations (Inc, LLC, Ltd, GmbH, SA, BV, ...;
ISO 20275 lists them per jurisdiction) removed until none is left. A value that is a web
address is reduced to the first label of its registrable domain.

Examples
--------
>>> normalise_company("The ACME Co., Inc.")
'acme'
>>> normalise_company("Müller & Söhne GmbH & Co. KG")
'muller and sohne'
>>> normalise_company("https://www.acme.io")
'acme'
"""

from __future__ import annotations

import re

from accord.identity.normalise._text import blank_to_none, collapse_spaces, fold_accents
from accord.identity.normalise.web import registrable_domain

__all__ = ["LEGAL_FORMS", "has_legal_form", "normalise_company"]

LEGAL_FORMS: frozenset[str] = frozenset(
    {
        # English-speaking
        "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp",
        "lp", "ltd", "limited", "plc", "pty", "pty ltd", "pc", "pllc", "and co",
        "holdings", "group",
        # German, Dutch, Nordic
        "gmbh", "ag", "kg", "ohg", "ug", "e v", "ev", "gbr", "mbh", "bv", "nv", "vof",
        "ab", "as", "asa", "aps", "oy", "oyj", "hf",
        # French, Spanish, Italian, Portuguese
        "sa", "sas", "sasu", "sarl", "eurl", "sca", "sl", "slu", "srl", "spa", "snc",
        "sc", "ltda", "sapi", "sa de cv", "de cv",
        # elsewhere
        "kk", "pte", "pte ltd", "sdn bhd", "bhd", "pvt", "pvt ltd", "private limited",
        "sp z o o", "s r o", "sro", "zrt", "kft", "ooo",
    }
)  # fmt: skip
"""Legal-form designations removed from the end of a name (normalised spelling)."""

_BY_LENGTH = sorted({tuple(form.split()) for form in LEGAL_FORMS}, key=len, reverse=True)
_DOMAIN_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:www\.)?[\w\-]+(?:\.[\w\-]+)+/?$")


def normalise_company(value: object) -> str | None:
    """The identifying part of a company name, or ``None`` if nothing is left.

    ``normalise_company(normalise_company(x)) == normalise_company(x)`` for every *x*:
    the reduction is repeated until it no longer changes the text.
    """
    text = blank_to_none(value)
    for _ in range(8):
        if text is None:
            return None
        reduced = _reduce_once(text)
        if reduced == text:
            break
        text = reduced
    return text


def _reduce_once(text: str) -> str | None:
    text = fold_accents(text.lower()).lower()
    if _DOMAIN_LIKE.match(text):
        domain = registrable_domain(text)
        if domain is not None:
            text = domain.split(".")[0]
    text = text.replace("&", " and ").replace("+", " and ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # S.A. -> SA, A.C.M.E. -> ACME
    text = re.sub(r"[^\w\s]|_", " ", text)
    tokens = collapse_spaces(text).split()
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if tokens[0] == "the" or tokens[-1] == "and":
            tokens, changed = (tokens[1:] if tokens[0] == "the" else tokens[:-1]), True
            continue
        for form in _BY_LENGTH:
            if len(tokens) > len(form) and tuple(tokens[-len(form) :]) == form:
                tokens, changed = tokens[: -len(form)], True
                break
    return " ".join(tokens) or None


def has_legal_form(value: object) -> bool:
    """True when *value* is a name followed by a legal form (``"Acme Inc."``)."""
    text = blank_to_none(value)
    if text is None:
        return False
    text = re.sub(r"(?<=\w)\.(?=\w)", "", fold_accents(text.lower()).replace("&", " and "))
    tokens = collapse_spaces(re.sub(r"[^\w\s]|_", " ", text)).split()
    return any(
        len(tokens) > len(form)
        and tuple(tokens[-len(form) :]) == form
        and any(ch.isalpha() for ch in "".join(tokens[: -len(form)]))
        for form in _BY_LENGTH
    )
