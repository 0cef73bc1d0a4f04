"""Codes compared as written: postcodes and national identifiers.

Examples
--------
>>> normalise_postcode(" sw1a 1aa "), normalise_postcode("02139-4307")
('SW1A1AA', '02139')
>>> normalise_identifier("AB 12 34 56 C"), normalise_identifier("123-45-6789")
('AB123456C', '123456789')
"""

from __future__ import annotations

import re

from accord.identity.normalise._text import blank_to_none, fold_accents

__all__ = ["normalise_identifier", "normalise_postcode"]

_ZIP_PLUS_4 = re.compile(r"^(\d{5})-?\d{4}$")


def normalise_identifier(value: object) -> str | None:
    """Letters and digits only, upper-case (national ids, passport and tax numbers)."""
    text = blank_to_none(value)
    if text is None:
        return None
    return re.sub(r"[^0-9A-Z]", "", fold_accents(text).upper()) or None


def normalise_postcode(value: object) -> str | None:
    """A postcode or ZIP code without spaces, upper-case; ZIP+4 cut to the 5-digit ZIP."""
    text = blank_to_none(value)
    if text is None:
        return None
    zip_plus_4 = _ZIP_PLUS_4.match(text)
    if zip_plus_4:
        return zip_plus_4.group(1)
    return normalise_identifier(text)
