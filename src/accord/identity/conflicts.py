"""Conflicts: pairs that are two people however much else they share.

Partners share a surname, a landline, an address and sometimes a mailbox; a linkage
model that adds up agreeing evidence (Fellegi-Sunter assumes the comparisons are
independent) then scores them as one person. Accord therefore never accepts a link,
deterministic or scored, between two records whose **first names disagree**
(Jaro-Winkler similarity below 0.7 after mapping nicknames to given names, and not
explained by a first name and surname typed the other way round) **unless their dates
of birth agree** (equal, one digit apart, within a month, or day and month exchanged).
Such pairs are kept as links flagged ``conflict`` for review.
"""

from __future__ import annotations

from collections.abc import Set

__all__ = ["conflict_sql"]

_NAMES_DISAGREE = """(
    l.first_name_root is not null and r.first_name_root is not null
    and jaro_winkler_similarity(l.first_name_root, r.first_name_root) < 0.7
    and not (l.first_name = r.surname and (l.surname is null
             or jaro_winkler_similarity(l.surname, r.first_name) >= 0.7))
    and not (r.first_name = l.surname and (r.surname is null
             or jaro_winkler_similarity(r.surname, l.first_name) >= 0.7))
)"""
_DOB_AGREES = """(
    l.dob is not null and r.dob is not null
    and (l.dob = r.dob or hamming(l.dob, r.dob) <= 1 or abs(l.dob_days - r.dob_days) <= 31
         or (left(l.dob, 4) = left(r.dob, 4)
             and substr(l.dob, 6, 2) = substr(r.dob, 9, 2)
             and substr(l.dob, 9, 2) = substr(r.dob, 6, 2)))
)"""


def conflict_sql(present: Set[str]) -> str:
    """SQL (over records aliased ``l`` and ``r``) that is true for a conflicting pair.

    *present* are the features the records have; without first names nothing
    conflicts.
    """
    if not {"first_name", "first_name_root"} <= present:
        return "false"
    if "dob" not in present:
        return f"coalesce({_NAMES_DISAGREE}, false)"
    return f"coalesce({_NAMES_DISAGREE} and not {_DOB_AGREES}, false)"
