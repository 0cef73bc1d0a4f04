"""Record ids look like the systems' ids and never collide; variations keep meaning."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.simulate import ids, names, variation


def _salesforce_suffix(id15: str) -> str:
    """The documented case-safe suffix: a bit per upper-case letter, 5 characters a chunk,
    mapped onto A-Z0-5."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for chunk in range(3):
        bits = sum(1 << i for i, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]) if ch.isupper())
        out += alphabet[bits]
    return out


@given(st.sets(st.integers(0, 62**9 - 1), min_size=1, max_size=200))
def test_salesforce_ids_are_18_characters_with_the_case_safe_suffix(counters: set[int]) -> None:
    out = ids.salesforce_ids("00Q", np.array(sorted(counters), dtype=np.int64)).to_pylist()
    assert len(set(out)) == len(counters)
    for value in out:
        assert re.fullmatch(r"00Q8c0[0-9A-Za-z]{12}", value)
        assert value[15:] == _salesforce_suffix(value[:15])


@given(st.sets(st.integers(0, 2**62), min_size=1, max_size=300))
def test_scrambled_and_anonymous_ids_never_collide(counters: set[int]) -> None:
    c = np.array(sorted(counters), dtype=np.int64)
    for arr in (
        ids.scrambled_ids("cus_", c, 14),
        ids.scrambled_ids("in_", c, 24),
        ids.anonymous_ids(c),
    ):
        assert len(set(arr.to_pylist())) == len(counters)


def test_brands_are_unique_over_a_hundred_thousand_accounts() -> None:
    brands = names.brands(np.arange(100_000))
    assert len(set(brands)) == 100_000
    assert len({b.lower() for b in brands}) == 100_000


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12),
    st.integers(0, 3),
    st.floats(0, 0.999),
)
def test_a_typo_changes_a_word_by_at_most_two_characters(word: str, kind: int, pos: float) -> None:
    out = variation.typo(word, kind, pos)
    assert abs(len(out) - len(word)) <= 1
    assert sum(a != b for a, b in zip(out, word, strict=False)) <= len(word)
    assert out[0] == word[0]  # the first letter is kept, as people do


@given(
    st.lists(st.sampled_from(names.PLACES), min_size=1, max_size=20),
    st.integers(2_000_000, 9_999_999),
)
def test_phone_formats_keep_the_digits(places: list[tuple[str, ...]], local: int) -> None:
    e164 = [f"{p[3]}{p[4][0]}{local}" for p in places]
    rng = np.random.default_rng(0)
    out = variation.phone_formats(rng, e164, ("intl", "us", "dots", "e164"), 0.0)
    for original, formatted in zip(e164, out, strict=True):
        digits = re.sub(r"\D", "", formatted)
        assert digits == original or ("+" not in formatted and "1" + digits == original)


def test_email_variants_stay_with_the_person() -> None:
    rng = np.random.default_rng(1)
    n = 2_000
    primary = ["jane.doe@acme.io"] * n
    other = ["janedoe7@gmail.com"] * n
    out = variation.email_variants(
        rng,
        primary,
        other,
        ["Jane"] * n,
        ["Doe"] * n,
        same=0.5,
        plus=0.1,
        alias=0.1,
        other_rate=0.2,
        missing=0.05,
    )
    seen = {e.lower() for e in out if e}
    assert seen <= {
        "jane.doe@acme.io",
        "jane.doe+sfdc@acme.io",
        "jane.doe+news@acme.io",
        "jane.doe+work@acme.io",
        "jane.doe+crm@acme.io",
        "jdoe@acme.io",
        "ja.nedoe7@gmail.com",
    }
    assert out.count("") > 0
