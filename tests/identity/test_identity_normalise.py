"""Normalisers: worked examples, and idempotence (f(f(x)) == f(x)) on arbitrary text."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.identity.normalise import (
    account_domain,
    email_match_key,
    infer_date_order,
    is_free_mail_domain,
    is_role_email,
    normalise_company,
    normalise_date,
    normalise_domain,
    normalise_email,
    normalise_identifier,
    normalise_person_name,
    normalise_phone,
    normalise_postcode,
    normalise_text,
    registrable_domain,
    split_full_name,
)

# text that looks like what exports contain: letters, digits, punctuation, accents, spaces
_TEXTISH = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list(" .,-_+@&'()/:<>#\t")
        + list("éüßÅçñøİﬁ\u2019")
    ),
    max_size=40,
)
_ANY_TEXT = st.one_of(st.text(max_size=30), _TEXTISH)

IDEMPOTENT: dict[str, Callable[[object], str | None]] = {
    "email": normalise_email,
    "email_match_key": email_match_key,
    "phone": partial(normalise_phone, default_region="GB"),
    "domain": normalise_domain,
    "registrable_domain": registrable_domain,
    "account_domain": account_domain,
    "company": normalise_company,
    "person_name": normalise_person_name,
    "text": normalise_text,
    "postcode": normalise_postcode,
    "identifier": normalise_identifier,
    "date": normalise_date,
}


@pytest.mark.parametrize("name", sorted(IDEMPOTENT))
@given(value=_ANY_TEXT)
def test_normalising_twice_changes_nothing(name: str, value: str) -> None:
    normalise = IDEMPOTENT[name]
    once = normalise(value)
    assert normalise(once) == once


@pytest.mark.parametrize("normalise", list(IDEMPOTENT.values()))
def test_missing_and_blank_values_are_none(normalise: Callable[[object], str | None]) -> None:
    for blank in (None, "", "   ", float("nan")):
        assert normalise(blank) is None


# ---------------------------------------------------------------- email
@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Ann.Lee@Gmail.com", "annlee@gmail.com"),
        ("a.n.n.lee+newsletter@googlemail.com", "annlee@gmail.com"),
        ("ann.lee+crm@acme.io", "ann.lee@acme.io"),  # dots matter outside Gmail
        ("  <Ann.Lee@ACME.io> ", "ann.lee@acme.io"),
        ("Ann Lee <ann@acme.io>", "ann@acme.io"),
        ("mailto:ann@acme.io", "ann@acme.io"),
        ("not-an-email", "not-an-email"),  # kept for fuzzy comparison, not folded
        ("+@acme.io", "+@acme.io"),  # nothing before the tag: unchanged
    ],
)
def test_email_match_key_folds_aliases_of_one_mailbox(raw: str, key: str) -> None:
    assert email_match_key(raw) == key


@given(
    local=st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,5}){0,2}", fullmatch=True),
    tag=st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
)
def test_plus_tags_and_gmail_dots_never_change_the_key(local: str, tag: str) -> None:
    plain = email_match_key(f"{local.replace('.', '')}@gmail.com")
    assert email_match_key(f"{local}+{tag}@gmail.com") == plain
    assert email_match_key(f"{local}@googlemail.com") == plain
    assert email_match_key(f"{local}+{tag}@acme.io") == email_match_key(f"{local}@acme.io")


def test_role_addresses_are_recognised() -> None:
    assert is_role_email("Info@acme.io")
    assert is_role_email("sales+eu@acme.io")
    assert not is_role_email("ann@acme.io")


# ---------------------------------------------------------------- phone
@pytest.mark.parametrize(
    "raw",
    [
        "(415) 555-0132",
        "415.555.0132",
        "415 555 0132",
        "+1 415 555 0132",
        "1-415-555-0132",
        "001 415 555 0132",
        "+1 (415) 555-0132 ext. 77",
        "4155550132 x12",
    ],
)
def test_us_phone_formats_become_one_e164_number(raw: str) -> None:
    assert normalise_phone(raw, default_region="US") == "+14155550132"


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("07700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "US", "+447700900123"),
        ("0044 7700 900123", "DE", "+447700900123"),
        ("030 1234567", "DE", "+49301234567"),
        ("06 1234 5678", "IT", "+390612345678"),  # Italy keeps the leading zero
        ("01 23 45 67 89", "FR", "+33123456789"),
    ],
)
def test_national_numbers_use_the_default_region(raw: str, region: str, e164: str) -> None:
    assert normalise_phone(raw, default_region=region) == e164


@pytest.mark.parametrize("raw", ["12345", "call me", "+1 555", "0" * 20, "555-CALL-NOW"])
def test_non_numbers_are_none(raw: str) -> None:
    assert normalise_phone(raw, default_region="US") is None


@given(digits=st.from_regex(r"[2-9][0-9]{9}", fullmatch=True), style=st.integers(0, 3))
def test_every_us_spelling_of_a_number_agrees(digits: str, style: int) -> None:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    spelled = (f"({a}) {b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}", f"1{digits}")[style]
    assert normalise_phone(spelled, default_region="US") == f"+1{digits}"


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown region"):
        normalise_phone("123", default_region="XX")


# ---------------------------------------------------------------- domains
@pytest.mark.parametrize(
    ("raw", "host", "registrable"),
    [
        ("https://www.Acme.io/pricing?x=1#top", "acme.io", "acme.io"),
        ("http://user:pw@shop.acme.co.uk:8080/", "shop.acme.co.uk", "acme.co.uk"),
        ("www2.acme.com", "acme.com", "acme.com"),
        ("ann@mail.acme.io", "mail.acme.io", "acme.io"),
        ("acme.com.", "acme.com", "acme.com"),
        ("localhost", None, None),
        ("not a domain", None, None),
    ],
)
def test_domain_forms(raw: str, host: str | None, registrable: str | None) -> None:
    assert normalise_domain(raw) == host
    assert registrable_domain(raw) == registrable


def test_free_mail_never_defines_an_account() -> None:
    assert is_free_mail_domain("gmail.com")
    assert is_free_mail_domain("https://mail.yahoo.co.uk/")
    assert account_domain("ann@gmail.com") is None
    assert account_domain("ann@eu.acme.io") == "acme.io"


# ---------------------------------------------------------------- companies and names
@pytest.mark.parametrize(
    "raw",
    [
        "ACME",
        "Acme Inc.",
        "Acme, Inc",
        "The Acme Company",
        "ACME Incorporated",
        "acme llc",
        "Acme Ltd.",
        "Acme GmbH",
        "Acme S.A.",
        "Acme B.V.",
        "acme.io",
        "https://www.acme.io",
        "Acme Holdings Ltd",
    ],
)
def test_company_variants_reduce_to_one_name(raw: str) -> None:
    assert normalise_company(raw) == "acme"


def test_company_keeps_what_identifies_it() -> None:
    assert normalise_company("Müller & Söhne GmbH & Co. KG") == "muller and sohne"
    assert normalise_company("The Company") == "company"  # never empty
    assert normalise_company("Inc") == "inc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Dr. Anne-Marie O'Neil ", "anne marie oneil"),
        ("JOSÉ  GARCÍA", "jose garcia"),
        ("Smith Jr.", "smith"),
        ("Mr", "mr"),  # a title alone is kept: something beats nothing
    ],
)
def test_person_names(raw: str, expected: str) -> None:
    assert normalise_person_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("Ann Lee", ("ann", "lee")),
        ("Lee, Ann Marie", ("ann", "lee")),
        ("Mrs Ann B. Lee-Smith", ("ann", "lee smith")),
        ("Cher", ("cher", None)),
    ],
)
def test_split_full_name(raw: str, parts: tuple[str | None, str | None]) -> None:
    assert split_full_name(raw) == parts


# ---------------------------------------------------------------- dates and codes
@pytest.mark.parametrize(
    ("raw", "order", "iso"),
    [
        ("1980-03-04", "DMY", "1980-03-04"),
        ("1980/3/4 10:00", "DMY", "1980-03-04"),
        ("19800304", "DMY", "1980-03-04"),
        ("04/03/1980", "DMY", "1980-03-04"),
        ("04/03/1980", "MDY", "1980-04-03"),
        ("25/12/1980", "MDY", "1980-12-25"),  # only one reading is a date
        ("4 Mar 1980", "DMY", "1980-03-04"),
        ("March 4th, 1980", "DMY", "1980-03-04"),
        ("31/02/1980", "DMY", None),
        ("yesterday", "DMY", None),
    ],
)
def test_dates(raw: str, order: str, iso: str | None) -> None:
    assert normalise_date(raw, order=order) == iso  # type: ignore[arg-type]


def test_date_order_is_read_from_unambiguous_values() -> None:
    assert infer_date_order(["12/25/1980", "01/02/1990"]) == "MDY"
    assert infer_date_order(["25/12/1980", "01/02/1990"]) == "DMY"


def test_codes() -> None:
    assert normalise_postcode("sw1a 1aa") == normalise_postcode("SW1A1AA") == "SW1A1AA"
    assert normalise_postcode("02139-4307") == "02139"
    assert normalise_identifier("ab 12-34-56 c") == "AB123456C"
