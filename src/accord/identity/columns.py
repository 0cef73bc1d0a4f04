"""Which column holds what: recognising person and company columns in any export.

A column is recognised by its header first (whitespace, case, accents and punctuation
ignored; common prefixes such as ``billing_`` or ``contact_`` and numbering such as
``email2`` are tolerated), then by its content when the header says nothing. A user can
always say it explicitly (``--column-type COL=KIND``).

Examples
--------
>>> columns = recognise_columns(
...     {
...         " First Name ": ["Ann", "Bob"],
...         "LAST_NAME": ["Lee", "Ray"],
...         "contact": ["ann@acme.io", "bob@x.org"],
...         "notes": ["called twice", "no answer"],
...     }
... )
>>> for c in columns.columns:
...     print(repr(c.name), c.kind.value, c.evidence)
' First Name ' first_name header
'LAST_NAME' surname header
'contact' email content
>>> columns.ignored
('notes',)
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from accord.identity.given_names import GIVEN_NAMES
from accord.identity.normalise import (
    has_legal_form,
    is_valid_email,
    normalise_date,
    normalise_domain,
    normalise_text,
)
from accord.identity.normalise._text import blank_to_none, fold_accents

__all__ = [
    "ColumnKind",
    "ColumnMap",
    "Evidence",
    "RecognisedColumn",
    "parse_kind",
    "recognise_columns",
]


class ColumnKind(StrEnum):
    """What a column holds, as far as identity resolution is concerned."""

    FIRST_NAME = "first_name"
    SURNAME = "surname"
    FULL_NAME = "full_name"
    EMAIL = "email"
    PHONE = "phone"
    DATE_OF_BIRTH = "date_of_birth"
    ADDRESS = "address"
    CITY = "city"
    POSTCODE = "postcode"
    STATE = "state"
    COMPANY = "company"
    DOMAIN = "domain"
    NATIONAL_ID = "national_id"
    IGNORE = "ignore"


IDENTIFYING_KINDS: frozenset[ColumnKind] = frozenset(
    {
        ColumnKind.FIRST_NAME,
        ColumnKind.SURNAME,
        ColumnKind.FULL_NAME,
        ColumnKind.EMAIL,
        ColumnKind.PHONE,
        ColumnKind.NATIONAL_ID,
        ColumnKind.COMPANY,
        ColumnKind.DOMAIN,
    }
)
"""Kinds that can tell two records apart on their own; a file needs at least one."""

Evidence = Literal["user", "header", "content"]
_Test = Callable[[str], bool]

_K = ColumnKind
_HEADERS: dict[str, ColumnKind] = {
    header: kind
    for kind, headers in {
        _K.FIRST_NAME: "first_name firstname first given_name givenname forename forenames "
        "fname first_names christian_name vorname prenom nombre",
        _K.SURNAME: "surname surnames last_name lastname last family_name familyname lname "
        "sur_name nachname nom apellido apellidos",
        _K.FULL_NAME: "name full_name fullname person_name contact_name customer_name "
        "display_name requester requester_name client_name member_name lead_name",
        _K.EMAIL: "email e_mail email_address emailaddress mail e_mail_address "
        "mail_address email_id",
        _K.PHONE: "phone phone_number phonenumber telephone telephone_number tel mobile "
        "mobile_phone mobile_number cell cellphone cell_phone phone_no contact_number "
        "landline fax",
        _K.DATE_OF_BIRTH: "dob date_of_birth birth_date birthdate birthday born d_o_b "
        "geburtsdatum date_naissance",
        _K.ADDRESS: "address street street_address address_line_1 address_line1 address1 "
        "addr line1 street_1 street1 address_1 strasse",
        _K.CITY: "city town suburb locality municipality ort ville ciudad",
        _K.POSTCODE: "postcode post_code postal_code postalcode zip zipcode zip_code plz "
        "postcode_fake cap",
        _K.STATE: "state province region county state_province state_code state_region",
        _K.COMPANY: "company company_name organisation organization org org_name "
        "account_name employer business_name business firm",
        _K.DOMAIN: "domain website web url company_domain web_site homepage site company_website",
        _K.NATIONAL_ID: "ssn national_id nino ni_number national_insurance_number tax_id "
        "passport passport_number sin nhs_number social_security_number id_number "
        "personal_id personnummer",
    }.items()
    for header in headers.split()
}
_PREFIXES = [
    "billing_",
    "contact_",
    "primary_",
    "customer_",
    "client_",
    "person_",
    "user_",
    "lead_",
    "work_",
    "home_",
    "personal_",
    "business_",
    "main_",
    "requester_",
    "member_",
    "patient_",
    "employee_",
    "mailing_",
    "shipping_",
    "company_",
    "account_",
    "other_",
    "alt_",
    "secondary_",
    "new_",
    "old_",
]


@dataclass(frozen=True)
class RecognisedColumn:
    """One input column and what it was recognised as.

    Attributes
    ----------
    name
        The header exactly as in the file.
    kind
        What it holds.
    evidence
        ``"user"`` (said explicitly), ``"header"`` or ``"content"``.
    share
        Share of the sampled non-empty values that look like *kind* (1.0 when not
        checked).
    """

    name: str
    kind: ColumnKind
    evidence: Evidence
    share: float = 1.0


@dataclass(frozen=True)
class ColumnMap:
    """The recognised columns of a file, in file order, and those left out."""

    columns: tuple[RecognisedColumn, ...]
    ignored: tuple[str, ...]

    def of_kind(self, kind: ColumnKind) -> list[str]:
        """Names of the columns recognised as *kind*, in file order."""
        return [c.name for c in self.columns if c.kind is kind]

    @property
    def kinds(self) -> frozenset[ColumnKind]:
        """The kinds present."""
        return frozenset(c.kind for c in self.columns)

    @property
    def is_usable(self) -> bool:
        """True when at least one column can tell records apart (a name, email, ...)."""
        return bool(self.kinds & IDENTIFYING_KINDS)

    def describe(self) -> str:
        """One line per column: ``name -> kind (evidence)``, then the ignored ones."""
        lines = [f"{c.name!r} -> {c.kind.value} ({c.evidence})" for c in self.columns]
        lines += [f"{name!r} -> not recognised" for name in self.ignored]
        return "; ".join(lines) if lines else "no columns"


def normalise_header(header: str) -> str:
    """``" E-mail Address "`` -> ``"e_mail_address"``."""
    text = fold_accents(header).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def parse_kind(text: str) -> ColumnKind:
    """A kind from its value or any header synonym (``"dob"``, ``"zip"``, ``"ignore"``).

    Raises
    ------
    ValueError
        Nothing matches; the message lists the kinds.
    """
    key = normalise_header(text)
    for kind in ColumnKind:
        if key == kind.value:
            return kind
    if key in _HEADERS:
        return _HEADERS[key]
    known = ", ".join(kind.value for kind in ColumnKind)
    raise ValueError(f"unknown column kind {text!r}; use one of: {known}")


def kind_from_header(header: str) -> ColumnKind | None:
    """The kind a header names, or ``None``."""
    key = normalise_header(header)
    candidates = [key, re.sub(r"_?\d+$", "", key)]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            candidates.append(key[len(prefix) :])
    for candidate in candidates:
        if candidate in _HEADERS:
            return _HEADERS[candidate]
    return None


def recognise_columns(
    sample: Mapping[str, Sequence[object]],
    *,
    column_types: Mapping[str, ColumnKind | str] | None = None,
    exclude: Sequence[str] = (),
) -> ColumnMap:
    """Recognise the columns of a file from its headers and a sample of its values.

    Parameters
    ----------
    sample
        Column name -> some of its values (a few thousand rows are plenty).
    column_types
        Kinds given by the user; they win over recognition. ``"ignore"`` drops a column.
    exclude
        Columns never to recognise (the record id).

    Raises
    ------
    ValueError
        *column_types* names a column that is not in *sample*, or an unknown kind.
    """
    given = {name: parse_kind(str(kind)) for name, kind in (column_types or {}).items()}
    missing = sorted(set(given) - set(sample))
    if missing:
        raise ValueError(f"column(s) {missing} are not in the file; it has {list(sample)}")
    recognised: list[RecognisedColumn] = []
    ignored: list[str] = []
    for name, values in sample.items():
        if name in exclude:
            continue
        column = _recognise_one(name, values, given.get(name))
        if column is None or column.kind is ColumnKind.IGNORE:
            ignored.append(name)
        else:
            recognised.append(column)
    return ColumnMap(columns=tuple(recognised), ignored=tuple(ignored))


def _recognise_one(
    name: str, values: Sequence[object], given: ColumnKind | None
) -> RecognisedColumn | None:
    if given is not None:
        return RecognisedColumn(name, given, "user")
    texts = [t for t in (blank_to_none(v) for v in values) if t is not None]
    header_kind = kind_from_header(name)
    if header_kind is ColumnKind.FULL_NAME and texts and _share(texts, _is_company) >= 0.2:
        return RecognisedColumn(name, ColumnKind.COMPANY, "content", _share(texts, _is_company))
    if header_kind is not None:
        return RecognisedColumn(name, header_kind, "header")
    if not texts or normalise_header(name).endswith("id"):
        return None
    for kind, test, minimum in _CONTENT_TESTS:
        share = _share(texts, test)
        if share >= minimum and (kind is not ColumnKind.DATE_OF_BIRTH or _birth_like(texts)):
            return RecognisedColumn(name, kind, "content", round(share, 3))
    return None


def _share(texts: Sequence[str], test: _Test) -> float:
    return sum(1 for t in texts if test(t)) / len(texts)


_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_POSTCODE = re.compile(
    r"^(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4}\s?[A-Z]{2}"
    r"|\d{5}-\d{4})$",
    re.IGNORECASE,
)
_NATIONAL_ID = re.compile(
    r"^(?:[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]|\d{3}-\d{2}-\d{4})$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"^[^\W\d_]+(?:[\s'.\-][^\W\d_]+)*\.?$")


def _is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    formatted = text.startswith(("+", "0", "(")) or any(ch in text for ch in " -.()/")
    return bool(_PHONE.match(text)) and 7 <= digits <= 15 and formatted and not _is_date(text)


def _is_domain(text: str) -> bool:
    return "@" not in text and " " not in text and normalise_domain(text) is not None


def _is_company(text: str) -> bool:
    return has_legal_form(text)


def _is_full_name(text: str) -> bool:
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or not _WORDS.match(text.replace(",", "")):
        return False
    return any(normalise_text(w) in GIVEN_NAMES for w in words)


def _is_given_name(text: str) -> bool:
    return normalise_text(text) in GIVEN_NAMES


def _is_address(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text) and " " in text


def _is_date(text: str) -> bool:
    return normalise_date(text) is not None and not re.search(r"\d:\d", text)


def _birth_like(texts: Sequence[str]) -> bool:
    """Dates of birth lie well in the past and spread over decades (not signup dates)."""
    years = [int(d[:4]) for d in (normalise_date(t) for t in texts) if d is not None]
    if len(years) < 2:
        return False
    return statistics.median(years) <= dt.date.today().year - 15 and max(years) - min(years) >= 10


_CONTENT_TESTS: tuple[tuple[ColumnKind, _Test, float], ...] = (
    (ColumnKind.EMAIL, is_valid_email, 0.8),
    (ColumnKind.NATIONAL_ID, lambda t: bool(_NATIONAL_ID.match(t)), 0.8),
    (ColumnKind.POSTCODE, lambda t: bool(_POSTCODE.match(t)), 0.8),
    (ColumnKind.DATE_OF_BIRTH, _is_date, 0.8),
    (ColumnKind.PHONE, _is_phone, 0.8),
    (ColumnKind.DOMAIN, _is_domain, 0.8),
    (ColumnKind.COMPANY, _is_company, 0.3),
    (ColumnKind.FULL_NAME, _is_full_name, 0.5),
    (ColumnKind.FIRST_NAME, _is_given_name, 0.5),
    (ColumnKind.ADDRESS, _is_address, 0.7),
)
