"""Masking of personal data (emails, phones, names) for roles without ``view_pii``.

A value is masked when its column is personal (:data:`PII_COLUMNS` for canonical
columns; a header that reads like one, e.g. ``E-mail``, ``Mobile Phone``, ``First
Name``, for raw records of exports) or when the value itself looks like an email address
or a phone number, whatever its column. Masks keep what is needed to fix a bad row
without identifying the person: the email's domain, a phone's last two digits, a name's
initial.

Examples
--------
>>> mask_email("maria.lopez@acme.com"), mask_phone("+49 30 1234 5678"), mask_name("Maria Lopez")
('m•••@acme.com', '•••78', 'M•••')
>>> mask_record({"Email": "a@b.co", "Deal": "Acme", "Notes": "call +1 415 555 0100"})
{'Email': 'a•••@b.co', 'Deal': 'Acme', 'Notes': 'call •••00'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "PII_COLUMNS",
    "is_pii_header",
    "mask_email",
    "mask_name",
    "mask_phone",
    "mask_record",
    "mask_text",
    "mask_value",
]

MASK = "•••"

PII_COLUMNS: frozenset[str] = frozenset(
    {
        "email",
        "phone",
        "name",
        "first_name",
        "last_name",
        "customer_email",
        "customer_name",
        "requester_email",
        "requester_name",
        "user_email",
        "text",
        "subject",
    }
)
"""Canonical columns that hold personal data (``accounts.name`` is a company and is kept,
see :func:`mask_value`)."""

_PII_HEADER = re.compile(
    r"e-?mail|phone|mobile|\bfax\b|first.?name|last.?name|full.?name|given.?name|surname|"
    r"^name$|contact.?name|requester|customer.?name|street|address|birth|\bdob\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d ()./-]{5,}\d(?![\w.])")


def mask_email(value: str) -> str:
    """Keep the first character and the domain."""
    local, _, domain = value.strip().partition("@")
    return f"{local[:1]}{MASK}@{domain}" if domain else MASK


def mask_phone(value: str) -> str:
    """Keep the last two digits."""
    digits = re.sub(r"\D", "", value)
    return f"{MASK}{digits[-2:]}" if len(digits) >= 4 else MASK


def mask_name(value: str) -> str:
    """Keep the initial."""
    value = value.strip()
    return f"{value[:1].upper()}{MASK}" if value else value


def _phone_like(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < 7 or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", match.group(0)):
        return match.group(0)  # too short for a phone number, or a date
    return mask_phone(match.group(0))


def mask_text(value: str) -> str:
    """Mask every email address and phone number inside free text."""
    value = _EMAIL.sub(lambda m: mask_email(m.group(0)), value)
    return _PHONE.sub(_phone_like, value)


def is_pii_header(header: str) -> bool:
    """Whether a file's column header reads like personal data."""
    return bool(_PII_HEADER.search(header))


def _mask_by_kind(header: str, value: str) -> str:
    lowered = header.lower()
    if "mail" in lowered or _EMAIL.fullmatch(value.strip()):
        return mask_email(value) if "@" in value else MASK
    if any(k in lowered for k in ("phone", "mobile", "fax")):
        return mask_phone(value)
    if any(k in lowered for k in ("street", "address", "birth", "dob", "text", "subject")):
        return MASK
    return mask_name(value)


def mask_value(column: str | None, value: str | None, *, table: str | None = None) -> str | None:
    """Mask *value* of canonical *column* (of *table*) if personal; else mask what looks
    like an email or phone inside it."""
    if value is None:
        return None
    if column in PII_COLUMNS and not (column == "name" and table not in (None, "contacts")):
        return _mask_by_kind(column, value)
    return mask_text(value)


def mask_record(record: Mapping[str, object]) -> dict[str, object]:
    """A raw record (header -> value) with personal values masked."""
    masked: dict[str, object] = {}
    for header, value in record.items():
        if not isinstance(value, str) or not value:
            masked[header] = value
        elif is_pii_header(header):
            masked[header] = _mask_by_kind(header, value)
        else:
            masked[header] = mask_text(value)
    return masked
