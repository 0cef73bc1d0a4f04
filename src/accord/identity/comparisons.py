"""The Fellegi-Sunter comparisons for each feature (Splink comparison creators).

Each feature that a file has gets one comparison: ordered levels from "same" to
"different", each with an m and u probability learnt from the data (Fellegi & Sunter,
"A Theory for Record Linkage", JASA 64(328), 1969, pp. 1183-1210). Exact-match levels
on names, cities, emails, companies and domains carry term-frequency adjustments, so a
match on a rare value counts for more than a match on a common one (Winkler, "Using
the EM algorithm for weight computation in the Fellegi-Sunter model of record
linkage", Proc. Section on Survey Research Methods, ASA 1988, p. 667).

Levels avoid edit distances on long strings where a cheaper test says the same thing
(Hamming distance on ISO dates, Jaro-Winkler instead of Damerau-Levenshtein on
cities): the comparisons run on every blocked pair, which at a million records is tens
of millions of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

__all__ = ["FeatureComparison", "comparisons_for"]


@dataclass(frozen=True)
class FeatureComparison:
    """A Splink comparison and the features it reads (to plan training)."""

    name: str
    features: frozenset[str]
    creator: ComparisonCreator


def _null(feature: str) -> cll.NullLevel:
    return cll.NullLevel(feature)


def _exact(feature: str, *, tf: bool = False) -> cll.ExactMatchLevel:
    return cll.ExactMatchLevel(feature, term_frequency_adjustments=tf)


def _custom(name: str, levels: list[ComparisonLevelCreator]) -> cl.CustomComparison:
    as_splink: list[ComparisonLevelCreator | dict[str, Any]] = list(levels)
    return cl.CustomComparison(comparison_levels=as_splink, output_column_name=name)


def _names(present: frozenset[str]) -> FeatureComparison | None:
    if {"first_name", "surname"} <= present:
        concat = "full_name" if "full_name" in present else None
        creator = cl.ForenameSurnameComparison(
            "first_name", "surname", forename_surname_concat_col_name=concat
        )
        return FeatureComparison("name", frozenset({"first_name", "surname"}), creator)
    for feature in ("surname", "first_name"):
        if feature in present:
            return FeatureComparison(feature, frozenset({feature}), cl.NameComparison(feature))
    return None


def _dob() -> cl.CustomComparison:
    def within(days: int, label: str) -> ComparisonLevelCreator:
        return cll.CustomLevel(f"abs(dob_days_l - dob_days_r) <= {days}", label)

    return _custom(
        "dob",
        [
            _null("dob"),
            _exact("dob"),
            cll.CustomLevel("hamming(dob_l, dob_r) <= 1", "one digit differs"),
            within(31, "within a month"),
            within(366, "within a year"),
            within(3653, "within ten years"),
            cll.ElseLevel(),
        ],
    )


def _email() -> cl.CustomComparison:
    return _custom(
        "email",
        [
            _null("email"),
            _exact("email", tf=True),
            _exact("email_user"),
            cll.CustomLevel(
                "jaro_winkler_similarity(email_l, email_r) >= 0.88 and (email_user_l is null"
                " or email_user_r is null or jaro_winkler_similarity(email_user_l, email_user_r)"
                " >= 0.7)",
                "similar address (not merely the same domain)",
            ),
            cll.JaroWinklerLevel("email_user", 0.88),
            cll.ElseLevel(),
        ],
    )


def _phone() -> cl.CustomComparison:
    return _custom(
        "phone",
        [
            _null("phone"),
            _exact("phone", tf=True),
            cll.CustomLevel("right(phone_l, 7) = right(phone_r, 7)", "last 7 digits equal"),
            cll.LevenshteinLevel("phone", 1),
            cll.ElseLevel(),
        ],
    )


def _text(feature: str, thresholds: tuple[float, ...]) -> cl.CustomComparison:
    levels: list[ComparisonLevelCreator] = [_null(feature), _exact(feature, tf=True)]
    levels += [cll.JaroWinklerLevel(feature, t) for t in thresholds]
    return _custom(feature, [*levels, cll.ElseLevel()])


def _postcode() -> cl.CustomComparison:
    return _custom(
        "postcode",
        [
            _null("postcode"),
            _exact("postcode", tf=True),
            cll.CustomLevel(
                "length(postcode_l) > 4 and left(postcode_l, length(postcode_l) - 2)"
                " = left(postcode_r, length(postcode_r) - 2)",
                "same sector (all but the last two characters)",
            ),
            cll.CustomLevel("left(postcode_l, 3) = left(postcode_r, 3)", "same first three"),
            cll.ElseLevel(),
        ],
    )


def _exact_only(feature: str, *, tf: bool) -> cl.CustomComparison:
    return _custom(feature, [_null(feature), _exact(feature, tf=tf), cll.ElseLevel()])


def _national_id() -> cl.CustomComparison:
    return _custom(
        "national_id",
        [
            _null("national_id"),
            _exact("national_id"),
            cll.LevenshteinLevel("national_id", 1),
            cll.ElseLevel(),
        ],
    )


def comparisons_for(present: frozenset[str]) -> list[FeatureComparison]:
    """One comparison per feature (or feature pair, for names) that *present* has."""
    result: list[FeatureComparison] = []
    names = _names(present)
    if names is not None:
        result.append(names)

    def add(feature: str, creator: ComparisonCreator, *extra: str) -> None:
        if feature in present:
            result.append(FeatureComparison(feature, frozenset({feature, *extra}), creator))

    add("dob", _dob(), "dob_days")
    add("email", _email(), "email_user")
    add("phone", _phone())
    add("national_id", _national_id())
    add("company", _text("company", (0.92, 0.8)))
    add("domain", _exact_only("domain", tf=True))
    add("address", _text("address", (0.92, 0.8)))
    add("postcode", _postcode())
    add("city", _text("city", (0.9,)))
    add("state", _exact_only("state", tf=False))
    return result
