"""The public surface of ``accord.identity`` and results that are not errors."""

from __future__ import annotations

import pandas as pd

import accord.identity
from accord.identity import dedupe_frame


def test_exported_names_exist() -> None:
    for name in accord.identity.__all__:
        assert hasattr(accord.identity, name), name
    assert {"dedupe_file", "link_files", "resolve_records", "Resolution"} <= set(
        accord.identity.__all__
    )


def test_too_few_records_is_a_reason_not_an_error() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "email": ["Ann+x@Acme.io", "ann@acme.io", "bob@acme.io"],
            "name": ["Ann Lee", "A. Lee", "Bob Ray"],
        }
    )
    result = dedupe_frame(frame, id_column="id")
    assert result.resolution.model_status == "skipped: fewer than 10 records"
    assert result.table["cluster_id"].tolist() == ["a", "a", "c"]  # the exact key still links
    assert result.resolution.records["rule"].tolist() == ["email", "email", None]


def test_uncertain_links_are_the_review_band() -> None:
    frame = pd.DataFrame(
        {
            "id": [str(i) for i in range(12)],
            "first_name": ["Ann", "Anne", "Bob", "Rob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal",
                           "Ida", "Jo"],
            "surname": ["Lee", "Lee", "Ray", "Ray", "Fox", "Oak", "Elm", "Ash", "Yew", "Fir",
                        "Bay", "Ivy"],
        }
    )  # fmt: skip
    resolution = dedupe_frame(frame, id_column="id").resolution
    band = resolution.uncertain_links(low=0.0, high=1.01)
    assert (band["rule"] == "model").all()
    assert band["match_probability"].between(0.0, 1.0).all()
    narrow = resolution.uncertain_links(low=0.5)
    assert (narrow["match_probability"] >= 0.5).all()
    assert ((narrow["match_probability"] < resolution.threshold) | narrow["conflict"]).all()
