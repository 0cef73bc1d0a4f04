"""The ``personal_email`` and widened ``name_company`` rules on hand-built records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accord.identity.name_company import name_company_links
from accord.identity.personal_email import personal_email_links


def _records(rows: list[tuple[str | None, str | None, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["first_name", "last_name", "email", "company"])


def test_unique_name_links_and_ambiguous_name_goes_to_review() -> None:
    records = _records(
        [
            ("Camille", "Bailey", "camille@reazuic.co", "Reazuic"),  # 0
            ("Carol", "Levi", "caroll@gaskeum.net", "Gaskeum"),  # 1
            ("Carol", "Levi", "carol.levi@cajaen.com", "Cajaen"),  # 2 another Carol Levi
            (None, None, "camille.bailey8@gmail.com", None),  # 3 -> 0
            (None, None, "Carol_Levi266@GMAIL.com", None),  # 4 ambiguous
            (None, None, "camille.bailey@reazuic.co", None),  # 5 work mail: not this rule
            (None, None, "camille99@gmail.com", None),  # 6 first name only
            (None, None, "cbailey7@yahoo.com", None),  # 7 initial only: review
        ]
    )
    labels = np.arange(len(records))
    links, review = personal_email_links(records, labels)
    assert list(zip(links["left"], links["right"], strict=True)) == [(3, 0)]
    assert set(links["rule"]) == {"personal_email"}
    pairs = {
        (int(a), int(b), w) for a, b, w in review[["left", "right", "why"]].itertuples(index=False)
    }
    assert pairs == {(4, 1, "name ambiguous"), (4, 2, "name ambiguous"), (7, 0, "initial only")}
    assert review.loc[review["left"] == 4, "match_probability"].tolist() == [0.5, 0.5]


def test_record_already_with_a_named_record_is_not_relinked() -> None:
    records = _records(
        [("Ann", "Lee", "ann@acme.io", "Acme"), (None, None, "ann.lee@gmail.com", None)]
    )
    links, _ = personal_email_links(records, np.array([0, 0]))
    assert links.empty


def test_name_company_nicknames_stems_and_numbered_namesakes() -> None:
    records = _records(
        [
            ("Edward", "Richardson", "edwardr@gaskeum.net", "Gaskeum Mobility"),  # 0
            ("Ed", "Richardson", "edward.r252@yahoo.com", "Gaskeum Mobility Inc."),  # 1 -> 0
            ("Eric", "Mensah", "eric112@gmail.com", "Skeaflaix Retail"),  # 2
            ("eric", "mensah", "emensah@skeaflaix.com", "Skeaflaix"),  # 3 -> 2
            ("Patricia", "Rodriguez", "patricia@gafioent.app", "Gafioent"),  # 4
            ("Patricia", "Rodriguez", "patricia2@gafioent.app", "Gafioent Group"),  # 5
        ]
    )
    links = name_company_links(records)
    assert sorted(zip(links["left"], links["right"], strict=True)) == [(0, 1), (2, 3)]
