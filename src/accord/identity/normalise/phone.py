"""Telephone numbers in E.164 form (ITU-T Recommendation E.164, 2010).

A small, dependency-free normaliser: it removes formatting and extensions, turns ``00``
and ``+`` prefixes into one ``+``, drops the national trunk prefix (the leading ``0`` in
most of Europe) and prepends the country calling code of a default region. It does not
validate number ranges the way libphonenumber does; it is enough to make two spellings
of the same number equal, which is all record linkage needs.

Examples
--------
>>> normalise_phone("(415) 555-0132", default_region="US")
'+14155550132'
>>> normalise_phone("07700 900123", default_region="GB")
'+447700900123'
>>> normalise_phone("+44 (0)20 7946 0958 ext. 12")
'+442079460958'
>>> normalise_phone("0049 30 1234567")
'+49301234567'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.identity.normalise._text import blank_to_none

__all__ = ["REGIONS", "Region", "normalise_phone"]


@dataclass(frozen=True)
class Region:
    """Dialling facts for one country.

    Attributes
    ----------
    calling_code
        Country calling code without ``+`` (ITU-T E.164 assignment list).
    trunk_prefix
        Digits dialled before a national number inside the country (``"0"`` in the UK),
        absent from the international form; ``""`` where numbers keep them (Italy).
    national_lengths
        Possible lengths of the national significant number.
    """

    calling_code: str
    trunk_prefix: str
    national_lengths: tuple[int, ...]


def _r(code: str, trunk: str, *lengths: int) -> Region:
    return Region(code, trunk, lengths)


REGIONS: dict[str, Region] = {
    "US": _r("1", "", 10), "CA": _r("1", "", 10), "GB": _r("44", "0", 9, 10),
    "IE": _r("353", "0", 7, 8, 9), "DE": _r("49", "0", 6, 7, 8, 9, 10, 11),
    "AT": _r("43", "0", 6, 7, 8, 9, 10, 11, 12, 13), "CH": _r("41", "0", 9),
    "FR": _r("33", "0", 9), "BE": _r("32", "0", 8, 9), "NL": _r("31", "0", 9),
    "LU": _r("352", "", 6, 7, 8, 9, 10, 11), "ES": _r("34", "", 9),
    "PT": _r("351", "", 9), "IT": _r("39", "", 6, 7, 8, 9, 10, 11),
    "DK": _r("45", "", 8), "NO": _r("47", "", 8), "SE": _r("46", "0", 7, 8, 9),
    "FI": _r("358", "0", 5, 6, 7, 8, 9, 10, 11), "PL": _r("48", "", 9),
    "CZ": _r("420", "", 9), "GR": _r("30", "", 10), "TR": _r("90", "0", 10),
    "IL": _r("972", "0", 8, 9), "AE": _r("971", "0", 8, 9), "ZA": _r("27", "0", 9),
    "IN": _r("91", "0", 10), "SG": _r("65", "", 8), "HK": _r("852", "", 8),
    "JP": _r("81", "0", 9, 10), "KR": _r("82", "0", 8, 9, 10), "CN": _r("86", "0", 10, 11),
    "AU": _r("61", "0", 9), "NZ": _r("64", "0", 8, 9, 10), "BR": _r("55", "0", 10, 11),
    "MX": _r("52", "", 10), "AR": _r("54", "0", 10), "CL": _r("56", "", 9),
    "CO": _r("57", "", 10),
}  # fmt: skip
"""Regions the default-region parameter accepts (ISO 3166-1 alpha-2 codes)."""

_EXTENSION = re.compile(r"\s*(?:;?\s*ext\.?|extension|x|#|;\s*ext=)\s*\d{1,6}\s*$", re.IGNORECASE)
_NATIONAL_ZERO = re.compile(r"\(\s*0\s*\)")
_MAYBE_EXTENSION = re.compile(r"[xX#;eE]")
_FORMATTING = str.maketrans("", "", " \t\n\r\f\v\u00a0+()./-")
_MIN_E164, _MAX_E164 = 8, 15


def normalise_phone(value: object, *, default_region: str = "US") -> str | None:
    """The E.164 form (``+`` and 8-15 digits) of a phone number, or ``None``.

    Parameters
    ----------
    value
        The number as typed: any spacing, dots, dashes, brackets, ``00`` or ``+``
        prefix, an optional extension (dropped).
    default_region
        ISO 3166-1 alpha-2 code of the country assumed for numbers written without a
        country code (a key of :data:`REGIONS`).

    Returns
    -------
    str or None
        ``None`` when the value is not a telephone number (letters, too few or too
        many digits for the region).

    Raises
    ------
    ValueError
        *default_region* is not in :data:`REGIONS`.
    """
    region = REGIONS.get(default_region.upper())
    if region is None:
        known = ", ".join(sorted(REGIONS))
        raise ValueError(f"unknown region {default_region!r}; use one of {known}")
    text = blank_to_none(value)
    if text is None:
        return None
    if _MAYBE_EXTENSION.search(text):
        text = _EXTENSION.sub("", text)
    if "(" in text:
        text = _NATIONAL_ZERO.sub(" ", text)
    digits = text.translate(_FORMATTING)
    if not digits.isdigit() or not digits.isascii():
        return None  # letters or other symbols: not a phone number
    international = text.lstrip().startswith("+")
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if international:
        return f"+{digits}" if _MIN_E164 <= len(digits) <= _MAX_E164 else None
    national = _national_number(digits, region)
    if national is None:
        return None
    return f"+{region.calling_code}{national}"


def _national_number(digits: str, region: Region) -> str | None:
    trunk, code, lengths = region.trunk_prefix, region.calling_code, region.national_lengths
    if trunk and digits.startswith(trunk) and len(digits) - len(trunk) in lengths:
        return digits[len(trunk) :]
    if len(digits) in lengths and not (trunk and digits.startswith(trunk)):
        return digits
    if digits.startswith(code):  # country code typed without "+"
        rest = digits[len(code) :]
        if trunk and rest.startswith(trunk) and len(rest) - len(trunk) in lengths:
            rest = rest[len(trunk) :]
        if len(rest) in lengths:
            return rest
    return None
