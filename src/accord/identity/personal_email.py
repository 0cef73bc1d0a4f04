"""Personal addresses that spell a name: ``camille.bailey8@gmail.com`` -> Camille Bailey.

A survey respondent, product user or support requester often carries only a personal
(free-mail) address, while the same person is known elsewhere by name with a work
address. :func:`personal_email_links` reads the user part of such an address as a name
(``first.last``, ``first_last``, ``firstlast``, ``last.first``;
a ``+tag`` and trailing digits dropped, accents and case folded) and links the record
to the one person in the whole workspace who bears exactly that name (rule
``personal_email``).

The rule is deliberately narrow:

* only records whose cluster holds no named record take part (a named record is
  linked by its name, see :func:`accord.identity.people.link_people`);
* only free-mail addresses (:func:`accord.identity.normalise.is_free_mail_domain`):
  work addresses are read against their company by the ``email_name`` rule;
* a first name alone (``mary730@``) is never enough: the user part must hold a
  surname of at least two letters; an initial and surname (``mmiller294@``) is too
  common to link and only yields review pairs (``why`` = ``initial only``): on the
  simulated companies one such link in eleven was wrong;
* a spelling that fits more than one person (two *Michael Miller*, or *Mary Miller*
  and *Mark Miller* for ``mmiller``) links nobody: the pairs are left to review
  (``why`` = ``name ambiguous``).

Examples
--------
>>> name_spellings("ann", "lee") == {"annlee", "leeann"}
True
>>> personal_user_part("Ann.Lee+news42@gmail.com")
'annlee'
>>> personal_user_part("ann.lee@acme.io") is None
True
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from accord.identity.normalise import is_free_mail_domain, normalise_person_name

__all__ = ["name_spellings", "personal_email_links", "personal_user_part"]

_SEPARATORS = re.compile(r"[._\-]")
_TRAILING_DIGITS = re.compile(r"\d+$")


def _ascii(value: object) -> str:
    text = normalise_person_name(value) if isinstance(value, str) else None
    return "".join(ch for ch in (text or "") if ch.isalnum())


def name_spellings(first: str, last: str) -> set[str]:
    """User parts (separators removed) that spell a first name and surname.

    Parameters
    ----------
    first, last
        Normalised first name and surname (lower case, letters only).
    """
    if len(first) < 1 or len(last) < 2:
        return set()
    return {first + last, last + first}


def personal_user_part(email: object) -> str | None:
    """The user part of a free-mail address, ready to compare with :func:`name_spellings`.

    Lower-cased, ``+tag`` dropped, then trailing digits and ``.``, ``_``, ``-``
    removed; ``None`` for a work address, a malformed one or one without letters.
    """
    if not isinstance(email, str) or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    if not local or not domain or not is_free_mail_domain(domain):
        return None
    local = local.split("+", 1)[0]
    local = _SEPARATORS.sub("", _TRAILING_DIGITS.sub("", local))
    return local if local.isalpha() else None


def personal_email_links(
    records: pd.DataFrame, labels: np.ndarray, *, max_candidates: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edges from nameless free-mail records to the one person whose name they spell.

    Parameters
    ----------
    records
        One row per record with ``first_name``, ``last_name`` and ``email``.
    labels
        Cluster label per record from the rules run so far.
    max_candidates
        A spelling that fits between two and this many people yields review pairs
        (more is a too common name to be worth a look).

    Returns
    -------
    links : pandas.DataFrame
        ``left`` (the free-mail record), ``right`` (a named record of the person),
        ``match_probability`` 1.0 and ``rule`` ``personal_email``.
    ambiguous : pandas.DataFrame
        ``left``, ``right`` (record positions), ``match_probability`` (``1 / k`` for
        ``k`` people who fit: nothing tells them apart) and ``why``
        (``name ambiguous``, ``initial only``): one pair per person who fits.
    """
    first = [_ascii(v) for v in records["first_name"]]
    last = [_ascii(v) for v in records["last_name"]]
    named = np.array([len(f) > 1 and len(s) > 1 for f, s in zip(first, last, strict=True)])
    cluster_named = pd.Series(named).groupby(labels).transform("any").to_numpy(dtype=bool)
    index: dict[str, dict[int, int]] = {}
    initials: dict[str, dict[int, int]] = {}
    for i in np.flatnonzero(named):
        for spelling in name_spellings(first[i], last[i]):
            index.setdefault(spelling, {}).setdefault(int(labels[i]), int(i))
        initials.setdefault(first[i][0] + last[i], {}).setdefault(int(labels[i]), int(i))
    links: list[tuple[int, int]] = []
    doubt: list[tuple[int, int, float, str]] = []
    emails = records["email"].to_numpy()
    for i in np.flatnonzero(~cluster_named):
        user = personal_user_part(emails[i])
        people = index.get(user, {}) if user else {}
        if len(people) == 1:
            links.append((int(i), next(iter(people.values()))))
        elif 1 < len(people) <= max_candidates:
            doubt += [(int(i), j, 1.0 / len(people), "name ambiguous") for j in people.values()]
        elif not people and user and user in initials and len(initials[user]) <= max_candidates:
            fits = initials[user]
            doubt += [(int(i), j, 1.0 / len(fits), "initial only") for j in fits.values()]
    found = pd.DataFrame(links, columns=["left", "right"], dtype=np.int64)
    found["match_probability"] = 1.0
    found["rule"] = "personal_email"
    ambiguous = pd.DataFrame(doubt, columns=["left", "right", "match_probability", "why"])
    ambiguous = ambiguous.astype({"left": np.int64, "right": np.int64, "match_probability": float})
    return found, ambiguous
