"""Turn recognised columns into the normalised fields the linkage model compares.

Every record becomes one row of *features*, named after what they hold rather than after
the input headers, so the model and the blocking rules are written once:

=============  ===============================================================
feature        from
=============  ===============================================================
first_name     first-name column, else the first word of a full name
first_name_root  the given name a nickname stands for (``bill`` -> ``william``)
surname        surname column, else the last word of a full name
full_name      ``first_name || ' ' || surname`` (both present; term frequencies)
dob            date of birth, ISO ``YYYY-MM-DD``
dob_days       the same as days since 1970-01-01 (cheap date differences)
email          email match key (plus-addressing and Gmail dots folded)
email_user     its local part
phone          E.164
address, city, state    words (accents, case, punctuation folded)
postcode       no spaces, upper-case
company        company name without legal form
domain         registrable web domain, free-mail domains left out
national_id    letters and digits, upper-case
=============  ===============================================================

When several columns hold the same kind (``email`` and ``work_email``), the first
non-empty one feeds the model; all of them feed the deterministic keys (exact email,
phone or id shared by two records).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from accord.identity.columns import ColumnKind, ColumnMap, RecognisedColumn
from accord.identity.normalise import (
    ROLE_LOCAL_PARTS,
    account_domain,
    email_match_key,
    infer_date_order,
    normalise_company,
    normalise_date,
    normalise_identifier,
    normalise_person_name,
    normalise_phone,
    normalise_postcode,
    normalise_text,
    split_full_name,
)
from accord.identity.normalise.nicknames import given_name_root

__all__ = ["FEATURES", "KEY_RULES", "Prepared", "harmonise", "prepare_records"]

FEATURES: tuple[str, ...] = (
    "first_name",
    "first_name_root",
    "surname",
    "full_name",
    "dob",
    "dob_days",
    "email",
    "email_user",
    "phone",
    "address",
    "city",
    "state",
    "postcode",
    "company",
    "domain",
    "national_id",
)
"""All feature names, in the order the model uses them."""

KEY_RULES: tuple[str, ...] = ("email", "phone", "national_id")
"""Deterministic rules: an exact shared value links two records with probability 1."""

ROW = "__row"
_VALID_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
SOURCE = "__source"

_Normaliser = Callable[[object], str | None]
_SIMPLE: dict[ColumnKind, tuple[str, _Normaliser]] = {
    ColumnKind.ADDRESS: ("address", normalise_text),
    ColumnKind.CITY: ("city", normalise_text),
    ColumnKind.STATE: ("state", normalise_text),
    ColumnKind.POSTCODE: ("postcode", normalise_postcode),
    ColumnKind.COMPANY: ("company", normalise_company),
    ColumnKind.DOMAIN: ("domain", account_domain),
    ColumnKind.NATIONAL_ID: ("national_id", normalise_identifier),
}


@dataclass(frozen=True)
class Prepared:
    """Records ready for linkage.

    Attributes
    ----------
    features
        One row per record: ``__row`` (0..n-1), ``__source`` (input number) and the
        features present (see the module docstring); absent values are ``None``.
    keys
        Deterministic keys, long format: ``__row``, ``rule`` (a :data:`KEY_RULES` name),
        ``key``.
    present
        The features that have at least one value, in :data:`FEATURES` order.
    """

    features: pd.DataFrame
    keys: pd.DataFrame
    present: tuple[str, ...]


def prepare_records(
    frames: Sequence[pd.DataFrame], columns: ColumnMap, *, default_region: str = "US"
) -> Prepared:
    """Normalise the recognised columns of one or more inputs into features.

    Parameters
    ----------
    frames
        The inputs (one for deduplication, two or more for linkage), each with every
        column named in *columns*; values are strings or missing.
    columns
        What each column holds (the same headers in every input).
    default_region
        Region for phone numbers written without a country code.
    """
    parts, key_parts = [], []
    offset = 0
    for source, frame in enumerate(frames):
        features, keys = _prepare_one(frame, columns, default_region=default_region)
        features.insert(0, SOURCE, source)
        features.insert(0, ROW, range(offset, offset + len(frame)))
        keys[ROW] += offset
        offset += len(frame)
        parts.append(features)
        key_parts.append(keys)
    features = pd.concat(parts, ignore_index=True)
    keys = pd.concat(key_parts, ignore_index=True)
    present = tuple(f for f in FEATURES if f in features and features[f].notna().any())
    features = features[[ROW, SOURCE, *present]]
    return Prepared(features=features, keys=keys, present=present)


def _prepare_one(
    frame: pd.DataFrame, columns: ColumnMap, *, default_region: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    of = columns.of_kind

    first = _first_of(frame, of(ColumnKind.FIRST_NAME), normalise_person_name)
    last = _first_of(frame, of(ColumnKind.SURNAME), normalise_person_name)
    full_columns = of(ColumnKind.FULL_NAME)
    if full_columns:
        raw_full = _coalesce(frame, full_columns)
        split = _map(raw_full, split_full_name)
        first = first.fillna(split.map(lambda p: p[0] if isinstance(p, tuple) else None))
        last = last.fillna(split.map(lambda p: p[1] if isinstance(p, tuple) else None))
    out["first_name"] = first
    out["first_name_root"] = _map(first, lambda name: given_name_root(str(name)))
    out["surname"] = last
    both = first.notna() & last.notna()
    out["full_name"] = (first + " " + last).where(both, None)

    dob_columns = of(ColumnKind.DATE_OF_BIRTH)
    if dob_columns:
        raw_dob = _coalesce(frame, dob_columns)
        order = infer_date_order(raw_dob.dropna().head(5000))
        out["dob"] = _map(raw_dob, partial(normalise_date, order=order))
        days = pd.to_datetime(out["dob"], format="%Y-%m-%d", errors="coerce")
        epoch = pd.Timestamp("1970-01-01")
        out["dob_days"] = ((days - epoch) // pd.Timedelta(days=1)).astype("Int64")

    emails = [_map(frame[c], email_match_key) for c in of(ColumnKind.EMAIL)]
    out["email"] = _coalesce_series(emails, len(frame))
    out["email_user"] = _local_part(out["email"])
    phone = partial(normalise_phone, default_region=default_region)
    phones = [_map(frame[c], phone) for c in of(ColumnKind.PHONE)]
    out["phone"] = _coalesce_series(phones, len(frame))
    for kind, (feature, normaliser) in _SIMPLE.items():
        out[feature] = _first_of(frame, of(kind), normaliser)

    ids = [_map(frame[c], normalise_identifier) for c in of(ColumnKind.NATIONAL_ID)]
    key_frames = [
        *(_keys(_linking_emails(e), "email") for e in emails),
        *(_keys(p, "phone") for p in phones),
        *(_keys(i, "national_id") for i in ids),
    ]
    if not key_frames:
        key_frames = [pd.DataFrame({ROW: pd.Series([], dtype="int64"), "rule": [], "key": []})]
    keys = pd.concat(key_frames, ignore_index=True).drop_duplicates(ignore_index=True)
    return out, keys


def _local_part(keys: pd.Series) -> pd.Series:
    """The part before ``@`` of email match keys (``None`` without one)."""

    def local(key: object) -> str | None:
        text = str(key)
        return text.rpartition("@")[0] or None if "@" in text else None

    return _map(keys, local)


def _linking_emails(keys: pd.Series) -> pd.Series:
    """Email keys that may link deterministically: valid and not a role address."""

    def linking(key: object) -> str | None:
        text = str(key)
        if not _VALID_EMAIL.match(text) or text.rpartition("@")[0] in ROLE_LOCAL_PARTS:
            return None
        return text

    return _map(keys, linking)


def _map(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """Apply *function* once per distinct value (names and cities repeat a lot).

    Missing values stay ``None``; the result has *values*' index and object dtype.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [function(u) for u in uniques]
    mapped[-1] = None  # code -1: missing
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _coalesce(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    return _coalesce_series([frame[name].astype(object) for name in names], len(frame))


def _first_of(frame: pd.DataFrame, names: list[str], normaliser: _Normaliser) -> pd.Series:
    """The first non-empty normalised value across *names* for each row."""
    return _coalesce_series([_map(frame[name], normaliser) for name in names], len(frame))


def _coalesce_series(parts: list[pd.Series], length: int) -> pd.Series:
    result = np.full(length, None, dtype=object)
    for part in parts:
        values = part.to_numpy(dtype=object)
        empty = pd.isna(result)
        result[empty] = values[empty]
    result[pd.isna(result)] = None
    return pd.Series(result, dtype=object)


def _keys(values: pd.Series, rule: str) -> pd.DataFrame:
    mask = values.notna()
    return pd.DataFrame({ROW: values.index[mask], "rule": rule, "key": values[mask]})


def harmonise(
    frames: Sequence[pd.DataFrame], maps: Sequence[ColumnMap]
) -> tuple[list[pd.DataFrame], ColumnMap]:
    """Line up inputs whose headers differ: recognised columns renamed after their kind.

    The j-th column of a kind in an input becomes ``kind`` (j = 0) or ``kind_j``;
    inputs without it get an empty column. Returns the renamed inputs and the one
    :class:`ColumnMap` that now fits them all.
    """
    widths: dict[ColumnKind, int] = {}
    evidence: dict[str, RecognisedColumn] = {}
    for columns in maps:
        for kind in ColumnKind:
            names = columns.of_kind(kind)
            widths[kind] = max(widths.get(kind, 0), len(names))
            for j, name in enumerate(names):
                target = kind.value if j == 0 else f"{kind.value}_{j}"
                source = next(c for c in columns.columns if c.name == name)
                evidence.setdefault(target, RecognisedColumn(target, kind, source.evidence))
    unified = []
    for frame, columns in zip(frames, maps, strict=True):
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
        for kind in ColumnKind:
            names = columns.of_kind(kind)
            for j in range(widths.get(kind, 0)):
                target = kind.value if j == 0 else f"{kind.value}_{j}"
                values = frame[names[j]].to_numpy() if j < len(names) else None
                out[target] = values
        unified.append(out)
    ordered = tuple(evidence[name] for name in unified[0].columns) if unified else ()
    return unified, ColumnMap(columns=ordered, ignored=())
