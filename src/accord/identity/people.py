"""Link a workspace's contact-like records into people.

The workspace resolver (:mod:`accord.workflows.resolve`) gathers every contact-like
record (CRM contacts and leads, support requesters, product users, billing contacts,
survey respondents) into one frame, :data:`PERSON_FIELDS`, and calls
:func:`link_people`:

1. **Cross-references**: a record that names its twin in another system (HubSpot's
   *Salesforce Lead ID*, a converted lead's contact id) is linked to it (rule
   ``crm_id``, probability 1).
2. **Exact keys and the model**: :func:`accord.identity.resolve.resolve_records` on the
   records that carry a name, email or phone (normalised email, E.164 phone, then the
   Fellegi-Sunter model trained by Splink).
3. **The name gate**: in a B2B workspace colleagues share company, domain, city and
   often a phone; a model left to itself learns "same company" as much as "same
   person". A model link therefore joins two records only when both carry a first name
   and a surname that agree (Jaro-Winkler >= :data:`NAME_AGREEMENT` on each, read in
   either order), and never joins two clusters holding work addresses that differ
   only by a number (``patricia@``, ``patricia2@``: namesakes). Model links that fail
   the gate, fall below the threshold or conflict are kept as *review* candidates.
4. **Same name at the same company**: equal normalised first name (nicknames read as
   the given name: *Ed* = *Edward*), surname and company (its first word, legal forms,
   case and punctuation folded: *Skeaflaix* = *Skeaflaix Retail, Inc.*) link two
   records (rule ``name_company``, :mod:`accord.identity.name_company`): a person's
   work and personal addresses share nothing else. Numbered work addresses
   (``patricia@``, ``patricia2@``) mark namesakes, whose group links nobody.
5. **Work emails that spell a name**: a record with only a company email (a product
   user, a survey respondent) joins the one named person of that company whose name
   the email's user part spells (``ann.lee@acme.io`` -> Ann Lee of Acme; rule
   ``email_name``); ambiguous spellings link nobody.
6. **Personal emails that spell a name**: a nameless record with only a free-mail
   address joins the one person of the whole workspace whose full name its user part
   spells (``camille.bailey8@gmail.com`` -> Camille Bailey; rule ``personal_email``,
   :mod:`accord.identity.personal_email`); a spelling that fits several people links
   nobody and is put up for review (``name ambiguous``).

References
----------
Fellegi, I. P. and Sunter, A. B. (1969). A theory for record linkage. *JASA* 64(328).
Winkler, W. E. (1990). String comparator metrics and enhanced decision rules in the
Fellegi-Sunter model of record linkage. *Proc. Section on Survey Research Methods*.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from accord.identity.clustering import cluster_links
from accord.identity.columns import ColumnKind, ColumnMap, RecognisedColumn
from accord.identity.name_company import name_company_links, numbered_namesakes
from accord.identity.normalise import (
    account_domain,
    email_local_part,
    normalise_company,
    normalise_person_name,
)
from accord.identity.personal_email import personal_email_links
from accord.identity.resolve import DEFAULT_THRESHOLD, resolve_records

__all__ = ["NAME_AGREEMENT", "PERSON_FIELDS", "PeopleLinks", "link_people"]

PERSON_FIELDS: tuple[str, ...] = (
    "key",
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "website",
    "city",
    "xref",
)
"""Columns :func:`link_people` reads: ``key`` is ``"<system>:<id>"``; ``xref`` the key
of the same person's record in another system (or missing)."""

NAME_AGREEMENT = 0.88
"""Jaro-Winkler similarity at or above which two first names (or surnames) agree."""

_MODEL_COLUMNS: dict[str, ColumnKind] = {
    "first_name": ColumnKind.FIRST_NAME,
    "last_name": ColumnKind.SURNAME,
    "email": ColumnKind.EMAIL,
    "phone": ColumnKind.PHONE,
    "company": ColumnKind.COMPANY,
    "website": ColumnKind.DOMAIN,
    "city": ColumnKind.CITY,
}
_IDENTIFYING = ("first_name", "last_name", "email", "phone")


@dataclass(frozen=True)
class PeopleLinks:
    """Clusters of person records.

    Attributes
    ----------
    labels
        Cluster label per input record (input order): the position of its first record.
    probability, rule
        Per record: the strongest accepted link touching it (1.0 and ``email``,
        ``phone``, ``crm_id``, ``name_company``, ``email_name``, ``personal_email``;
        the model's probability and ``model``), NaN / ``None``
        for a record alone.
    review
        Candidate pairs for a person: ``left``, ``right`` (keys, ``left < right``),
        ``match_probability`` and ``why`` (``below threshold``, ``names differ``,
        ``conflict``, or ``name ambiguous``: a personal address that spells the name
        of several people, see :mod:`accord.identity.personal_email`).
    model_status
        What the model did (``trained``, or why only exact keys were used).
    """

    labels: np.ndarray
    probability: np.ndarray
    rule: list[str | None]
    review: pd.DataFrame
    model_status: str


def link_people(
    records: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    review_low: float = 0.5,
    default_region: str = "US",
) -> PeopleLinks:
    """Cluster *records* (columns :data:`PERSON_FIELDS`, one row per record).

    Parameters
    ----------
    records
        One row per record, sorted as the caller wants labels numbered.
    threshold
        Model probability at or above which a gated link joins two records.
    review_low
        Lowest model probability kept as a review candidate.
    default_region
        Region for phone numbers without a country code.
    """
    n = len(records)
    keys = records["key"].astype(str).to_numpy()
    position = {k: i for i, k in enumerate(keys)}
    edges: list[pd.DataFrame] = []

    xref = records["xref"]
    has = xref.notna() & xref.astype(str).isin(position)
    if has.any():
        left = np.flatnonzero(has.to_numpy())
        right = np.array([position[str(x)] for x in xref[has]], dtype=np.int64)
        edges.append(_edges(left, right, 1.0, "crm_id"))

    edges.append(name_company_links(records))
    usable = records[list(_IDENTIFYING)].notna().any(axis=1).to_numpy()
    rows = np.flatnonzero(usable)
    review = pd.DataFrame(columns=["left", "right", "match_probability", "why"])
    status = "skipped: no records with a name, email or phone"
    if len(rows) >= 2:
        frame = records.iloc[rows][list(_MODEL_COLUMNS)].reset_index(drop=True)
        frame = frame.astype(object).where(frame.notna(), None)
        present = [c for c in _MODEL_COLUMNS if frame[c].notna().any()]
        columns = ColumnMap(
            tuple(RecognisedColumn(c, _MODEL_COLUMNS[c], "user") for c in present), ()
        )
        result = resolve_records(
            [frame[present]], columns, threshold=threshold, default_region=default_region
        )
        status = result.model_status
        links = result.links.copy()
        links["left"] = rows[links["left"].to_numpy(dtype=np.int64)]
        links["right"] = rows[links["right"].to_numpy(dtype=np.int64)]
        exact = links[(links["rule"] != "model") & ~links["conflict"]]
        edges.append(exact[["left", "right", "match_probability", "rule"]])
        model = links[links["rule"] == "model"].copy()
        model["names_agree"] = _names_agree(records, model)
        sure = _relabel(n, pd.concat(edges, ignore_index=True))
        model["conflict"] = model["conflict"] | _joins_namesakes(records, sure, model)
        accept = (
            (model["match_probability"] >= threshold) & ~model["conflict"] & model["names_agree"]
        )
        edges.append(model.loc[accept, ["left", "right", "match_probability", "rule"]])
        doubt = model[~accept & (model["match_probability"] >= review_low)].copy()
        doubt["why"] = np.where(
            doubt["conflict"],
            "conflict",
            np.where(doubt["names_agree"], "below threshold", "names differ"),
        )
        review = _review_frame(doubt, keys)

    all_edges = pd.concat(edges, ignore_index=True) if edges else _edges(np.array([]), [], 1, "")
    labels = _relabel(n, all_edges)
    by_work_email = _email_name_links(records, labels)
    if len(by_work_email):
        all_edges = pd.concat([all_edges, by_work_email], ignore_index=True)
        labels = _relabel(n, all_edges)
    by_personal_email, ambiguous = personal_email_links(records, labels)
    if len(by_personal_email):
        all_edges = pd.concat([all_edges, by_personal_email], ignore_index=True)
        labels = _relabel(n, all_edges)
    if len(ambiguous):
        more = _review_frame(ambiguous, keys)
        review = pd.concat([review, more], ignore_index=True) if len(review) else more
        review = review.sort_values(
            ["match_probability", "left", "right"], ascending=[False, True, True]
        ).reset_index(drop=True)
    probability, rule = _strongest(n, all_edges)
    return PeopleLinks(labels, probability, rule, review, status)


def _joins_namesakes(records: pd.DataFrame, labels: np.ndarray, links: pd.DataFrame) -> pd.Series:
    """Whether each link would join clusters holding numbered namesakes' work addresses.

    ``patricia@`` and ``patricia2@gafioent.app`` are two colleagues of one name
    (:func:`accord.identity.name_company.numbered_namesakes`); a model link that would
    put both in one person is a conflict.
    """
    if links.empty:
        return pd.Series([], dtype=bool)
    emails = pd.Series(records["email"].to_numpy()).groupby(labels).agg(list).to_dict()
    flags = [
        numbered_namesakes(emails[labels[a]] + emails[labels[b]])
        if labels[a] != labels[b]
        else False
        for a, b in zip(
            links["left"].to_numpy(dtype=np.int64),
            links["right"].to_numpy(dtype=np.int64),
            strict=True,
        )
    ]
    return pd.Series(flags, index=links.index, dtype=bool)


def _relabel(n: int, edges: pd.DataFrame) -> np.ndarray:
    left = edges["left"].to_numpy(dtype=np.int64)
    right = edges["right"].to_numpy(dtype=np.int64)
    return cluster_links(n, left, right)


def _ascii(value: object) -> str:
    text = normalise_person_name(value) if isinstance(value, str) else None
    return "".join(ch for ch in (text or "") if ch.isalnum())


def _patterns(first: str, last: str) -> set[str]:
    """Usual work-email user parts of a person (``ann.lee``, ``alee``, ``ann``, ...)."""
    if not first or not last:
        return set()
    f, s = first, last
    return {f, f + s, f"{f}.{s}", f"{f}_{s}", f[0] + s, f"{f[0]}.{s}", f + s[0], s + f,
            f"{s}.{f}", s}  # fmt: skip


def _email_name_links(records: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Link nameless records to the one named person whose name spells their work email.

    A product user or survey respondent often has only an email. When it is a company
    address (not free mail) whose user part is a usual spelling of exactly one named
    person of that company (same email domain, website or company name), and the
    nameless record's cluster holds no named record, the two are linked (rule
    ``email_name``).
    """
    named = records["first_name"].notna() & records["last_name"].notna()
    cluster_named = pd.Series(named.to_numpy()).groupby(labels).transform("any").to_numpy()
    emails = records["email"].to_numpy()
    index: dict[tuple[str, str], set[int]] = {}
    for i in np.flatnonzero(named.to_numpy()):
        row = records.iloc[i]
        company_domains = {
            d
            for d in (
                account_domain(row["email"]) if isinstance(row["email"], str) else None,
                account_domain(row["website"]) if isinstance(row["website"], str) else None,
            )
            if d
        }
        company = normalise_company(row["company"]) if isinstance(row["company"], str) else None
        first, last = _ascii(row["first_name"]), _ascii(row["last_name"])
        for pattern in _patterns(first, last):
            for d in company_domains:
                index.setdefault((pattern, d), set()).add(int(labels[i]))
            if company:
                index.setdefault((pattern, "name:" + company.split()[0]), set()).add(int(labels[i]))
    left, right = [], []
    for i in np.flatnonzero(~cluster_named):
        email = emails[i]
        domain = account_domain(email) if isinstance(email, str) else None
        if domain is None:
            continue
        local = email_local_part(email) or ""
        local = local.split("+", 1)[0].lower()
        found = index.get((local, domain), set()) | index.get(
            (local, "name:" + domain.split(".")[0]), set()
        )
        if len(found) == 1:
            left.append(int(i))
            right.append(found.pop())
    return _edges(np.array(left), right, 1.0, "email_name")


def _edges(left: np.ndarray, right: object, p: float, rule: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left": np.asarray(left, dtype=np.int64),
            "right": np.asarray(right, dtype=np.int64),
            "match_probability": p,
            "rule": rule,
        }
    )


def _names_agree(records: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """Whether both ends carry a first name and surname that agree (either order)."""
    if links.empty:
        return pd.Series([], dtype=bool)
    names = records[["first_name", "last_name"]].reset_index(drop=True)
    pairs = pd.DataFrame(
        {
            "lf": names["first_name"].to_numpy()[links["left"].to_numpy(dtype=np.int64)],
            "ll": names["last_name"].to_numpy()[links["left"].to_numpy(dtype=np.int64)],
            "rf": names["first_name"].to_numpy()[links["right"].to_numpy(dtype=np.int64)],
            "rl": names["last_name"].to_numpy()[links["right"].to_numpy(dtype=np.int64)],
        }
    ).astype(object)
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        con.register("pairs", pairs)
        t = NAME_AGREEMENT
        sql = f"""
            with n as (
                select lower(trim(lf)) lf, lower(trim(ll)) ll,
                       lower(trim(rf)) rf, lower(trim(rl)) rl from pairs
            )
            select coalesce(
                (jaro_winkler_similarity(lf, rf) >= {t} and jaro_winkler_similarity(ll, rl) >= {t})
                or (jaro_winkler_similarity(lf, rl) >= {t}
                    and jaro_winkler_similarity(ll, rf) >= {t}),
                false) as ok
            from n
        """
        ok = con.execute(sql).df()["ok"].to_numpy(dtype=bool)
    finally:
        con.close()
    return pd.Series(ok, index=links.index)


def _review_frame(doubt: pd.DataFrame, keys: np.ndarray) -> pd.DataFrame:
    left = keys[doubt["left"].to_numpy(dtype=np.int64)]
    right = keys[doubt["right"].to_numpy(dtype=np.int64)]
    swap = left > right
    out = pd.DataFrame(
        {
            "left": np.where(swap, right, left),
            "right": np.where(swap, left, right),
            "match_probability": doubt["match_probability"].to_numpy(dtype=float),
            "why": doubt["why"].to_numpy(),
        }
    )
    return out.sort_values(
        ["match_probability", "left", "right"], ascending=[False, True, True]
    ).reset_index(drop=True)


def _strongest(n: int, edges: pd.DataFrame) -> tuple[np.ndarray, list[str | None]]:
    ends = pd.concat(
        [
            edges[["left", "match_probability", "rule"]].rename(columns={"left": "row"}),
            edges[["right", "match_probability", "rule"]].rename(columns={"right": "row"}),
        ],
        ignore_index=True,
    )
    best = (
        ends.sort_values(["row", "match_probability", "rule"], ascending=[True, False, True])
        .drop_duplicates("row")
        .set_index("row")
    )
    probability = np.full(n, np.nan)
    rule: list[str | None] = [None] * n
    for row, p, r in zip(best.index, best["match_probability"], best["rule"], strict=True):
        probability[int(row)] = float(p)
        rule[int(row)] = str(r)
    return probability, rule
