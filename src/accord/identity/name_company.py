"""Same full name at the same company: one person (rule ``name_company``).

A person's work record and a record that carries their personal address share nothing
a key could use but their name and employer. :func:`name_company_links` links records
whose normalised first name (read through its nickname: *Ed* = *Edward*, see
:func:`accord.identity.normalise.nicknames.given_name_root`), surname and company
(its first word, :func:`company_stem`: *Skeaflaix* = *Skeaflaix Retail, Inc.*) agree.

Two guards keep namesakes apart:

* a group larger than ``max_group`` (a placeholder name) links nobody;
* a group holding two work addresses of one domain that differ only by a number
  (``patricia@`` and ``patricia2@gafioent.app``) is two colleagues of the same name
  (the usual way a mail administrator tells them apart) and links nobody either.

Examples
--------
>>> company_stem("Skeaflaix Retail, Inc."), company_stem("AB Foods")
('skeaflaix', 'ab foods')
>>> numbered_namesakes(["patricia@acme.io", "patricia2@acme.io", "p@gmail.com"])
True
>>> numbered_namesakes(["patricia@acme.io", "p.smith@acme.io", "patricia@acme.io"])
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from accord.identity.normalise import is_free_mail_domain, normalise_company, normalise_person_name
from accord.identity.normalise.nicknames import given_name_root

__all__ = ["company_stem", "name_company_links", "numbered_namesakes"]

_TRAILING_DIGITS = re.compile(r"\d+$")


def company_stem(value: str) -> str:
    """The first word of the normalised company name (``""`` when nothing is left).

    Records of one company spell it with and without its descriptor (*Skeaflaix* and
    *Skeaflaix Retail*); a first word under three letters keeps the whole name.
    """
    name = normalise_company(value) or ""
    first = name.split(" ", 1)[0]
    return first if len(first) >= 3 else name


def numbered_namesakes(emails: Iterable[object]) -> bool:
    """Whether two work addresses of one domain differ only by a trailing number."""
    seen: dict[tuple[str, str], set[str]] = {}
    for email in emails:
        if not isinstance(email, str) or "@" not in email:
            continue
        local, _, domain = email.strip().lower().rpartition("@")
        if not local or is_free_mail_domain(domain):
            continue
        local = local.split("+", 1)[0]
        seen.setdefault((_TRAILING_DIGITS.sub("", local), domain), set()).add(local)
    return any(len(locals_) > 1 for locals_ in seen.values())


def _ascii(value: object) -> str:
    text = normalise_person_name(value) if isinstance(value, str) else None
    return "".join(ch for ch in (text or "") if ch.isalnum())


def name_company_links(records: pd.DataFrame, max_group: int = 5) -> pd.DataFrame:
    """Edges between records of one full name at one company (see the module docstring).

    Parameters
    ----------
    records
        One row per record with ``first_name``, ``last_name``, ``company`` and ``email``.
    max_group
        Largest group of records with one name and company that is still linked.

    Returns
    -------
    pandas.DataFrame
        ``left`` (the group's first record), ``right``, ``match_probability`` 1.0 and
        ``rule`` ``name_company``.
    """
    key: list[str | None] = []
    for f, s, c in zip(
        records["first_name"], records["last_name"], records["company"], strict=True
    ):
        first, last = _ascii(f), _ascii(s)
        stem = company_stem(c) if isinstance(c, str) else ""
        ok = len(first) > 1 and len(last) > 1 and stem
        key.append(f"{given_name_root(first)} {last} @{stem}" if ok else None)
    frame = pd.DataFrame(
        {
            "key": key,
            "row": np.arange(len(records), dtype=np.int64),
            "email": records["email"].to_numpy(),
        }
    ).dropna(subset=["key"])
    frame["size"] = frame.groupby("key")["row"].transform("size")
    frame = frame[(frame["size"] > 1) & (frame["size"] <= max_group)]
    split = frame.groupby("key")["email"].agg(numbered_namesakes)
    frame = frame[~frame["key"].map(split).astype(bool)]
    frame["first"] = frame.groupby("key")["row"].transform("min")
    frame = frame[frame["row"] != frame["first"]]
    return pd.DataFrame(
        {
            "left": frame["first"].to_numpy(dtype=np.int64),
            "right": frame["row"].to_numpy(dtype=np.int64),
            "match_probability": 1.0,
            "rule": "name_company",
        }
    )
