"""Recognising columns by header and by content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.identity.columns import (
    ColumnKind,
    kind_from_header,
    normalise_header,
    parse_kind,
    recognise_columns,
)

K = ColumnKind


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("First Name", K.FIRST_NAME),
        ("  FIRSTNAME ", K.FIRST_NAME),
        ("Given name", K.FIRST_NAME),
        ("Vorname", K.FIRST_NAME),
        ("Last Name", K.SURNAME),
        ("surname", K.SURNAME),
        ("Family-Name", K.SURNAME),
        ("Name", K.FULL_NAME),
        ("Contact Name", K.FULL_NAME),
        ("E-mail Address", K.EMAIL),
        ("Work Email", K.EMAIL),
        ("email2", K.EMAIL),
        ("Mobile Phone", K.PHONE),
        ("Tel.", K.PHONE),
        ("Date of Birth", K.DATE_OF_BIRTH),
        ("DOB", K.DATE_OF_BIRTH),
        ("Billing Street", K.ADDRESS),
        ("Address Line 1", K.ADDRESS),
        ("Mailing City", K.CITY),
        ("Suburb", K.CITY),
        ("Zip Code", K.POSTCODE),
        ("Postal code", K.POSTCODE),
        ("State/Province", K.STATE),
        ("Company Name", K.COMPANY),
        ("Organization", K.COMPANY),
        ("Website", K.DOMAIN),
        ("Company Domain", K.DOMAIN),
        ("SSN", K.NATIONAL_ID),
        ("National Insurance Number", K.NATIONAL_ID),
    ],
)
def test_headers(header: str, kind: ColumnKind) -> None:
    assert kind_from_header(header) is kind


@pytest.mark.parametrize("header", ["notes", "created_at", "unique_id", "cluster", "amount"])
def test_other_headers_name_nothing(header: str) -> None:
    assert kind_from_header(header) is None


@given(
    header=st.sampled_from(["first_name", "email", "date_of_birth", "zip"]),
    left=st.text(alphabet=" \t", max_size=3),
    right=st.text(alphabet=" \t", max_size=3),
    upper=st.booleans(),
)
def test_header_whitespace_and_case_are_ignored(
    header: str, left: str, right: str, upper: bool
) -> None:
    spelled = left + (header.upper() if upper else header.title()) + right
    assert kind_from_header(spelled) is kind_from_header(header) is not None


def test_header_normalisation() -> None:
    assert normalise_header(" E-mail  Address ") == "e_mail_address"


CONTENT = {
    "c1": ["ann@acme.io", "bob@example.org", "cy@x.co.uk", None, "dee@y.com"],
    "c2": ["(415) 555-0132", "+44 7700 900123", "415.555.0199", "020 7946 0958", ""],
    "c3": ["1971-05-24", "1983-11-02", "1990-01-30", "1965-07-12", "2001-03-03"],
    "c4": ["acme.io", "https://www.globex.com", "initech.co.uk", "hooli.com", "x.org"],
    "c5": ["Acme Inc.", "Globex GmbH", "Initech LLC", "Hooli", "Umbrella Ltd"],
    "c6": ["Ann Lee", "Robert Smith", "Maria Garcia", "John O'Neil", "Emma Brown"],
    "c7": ["Ann", "Robert", "Maria", "John", "Emma"],
    "c8": ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"],
    "c9": ["12 High Street", "4 Elm Road", "221B Baker Street", "9 Mill Lane", "1 Main St"],
    "c10": ["AB123456C", "CE 12 34 56 D", "JG103759A", "AB654321B", "ZX998877A"],
    "c11": ["2024-01-03", "2024-02-11", "2023-12-30", "2024-03-15", "2024-01-09"],
    "c12": ["17", "42", "8", "3", "99"],
}
EXPECTED = {
    "c1": K.EMAIL,
    "c2": K.PHONE,
    "c3": K.DATE_OF_BIRTH,
    "c4": K.DOMAIN,
    "c5": K.COMPANY,
    "c6": K.FULL_NAME,
    "c7": K.FIRST_NAME,
    "c8": K.POSTCODE,
    "c9": K.ADDRESS,
    "c10": K.NATIONAL_ID,
}


def test_content_recognises_columns_without_telling_headers() -> None:
    columns = recognise_columns(CONTENT)
    found = {c.name: c.kind for c in columns.columns}
    assert found == EXPECTED
    assert all(c.evidence == "content" for c in columns.columns)
    # recent dates are signup dates, not births; small numbers are nothing
    assert set(columns.ignored) == {"c11", "c12"}


def test_a_name_column_holding_companies_is_a_company() -> None:
    columns = recognise_columns({"Name": CONTENT["c5"]})
    assert columns.columns[0].kind is K.COMPANY


def test_user_kinds_win_and_ignore_drops() -> None:
    columns = recognise_columns(
        {"Email": ["a@b.co"], "notes": ["x"], "tel": ["1"]},
        column_types={"notes": "full_name", "Email": "ignore", "tel": "mobile"},
    )
    assert [(c.name, c.kind, c.evidence) for c in columns.columns] == [
        ("notes", K.FULL_NAME, "user"),
        ("tel", K.PHONE, "user"),
    ]
    assert columns.ignored == ("Email",)


def test_unknown_kind_or_column_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        recognise_columns({"a": ["x"]}, column_types={"a": "shoe size"})
    with pytest.raises(ValueError, match="not in the file"):
        recognise_columns({"a": ["x"]}, column_types={"b": "email"})


def test_kinds_parse_from_synonyms() -> None:
    assert parse_kind("DOB") is K.DATE_OF_BIRTH
    assert parse_kind("zip") is K.POSTCODE
    assert parse_kind("last name") is K.SURNAME


def test_usable_needs_an_identifying_column() -> None:
    assert not recognise_columns({"city": ["Leeds"], "state": ["CA"]}).is_usable
    assert recognise_columns({"email": ["a@b.co"]}).is_usable


def test_excluded_columns_are_skipped() -> None:
    columns = recognise_columns({"id": ["1"], "email": ["a@b.co"]}, exclude=["id"])
    assert [c.name for c in columns.columns] == ["email"]
    assert columns.ignored == ()
