"""Find the account a query names: a domain, a company name, a resolved or source id.

Company records are the rows of the ``accounts`` table (CRM accounts and companies).
After ``accord resolve`` they group by the resolved ``account_id`` of the
``identity_accounts`` crosswalk; before it, records with the same normalised web domain
form one account (the domain is the only key the systems share), and a record without a
domain is an account on its own, keyed ``"<system>:<id>"``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

import ibis.expr.types as ir
import pandas as pd

from accord.data.warehouse import Warehouse
from accord.errors import InputError, NotFound
from accord.identity.keys import ACCOUNT_CROSSWALK, crosswalk_available, with_account_id
from accord.identity.normalise.company import normalise_company
from accord.identity.normalise.web import normalise_domain
from accord.workflows.account360._model import AccountMatch
from accord.workflows.account360._sql import Params
from accord.workflows.account360._sql import query as run

__all__ = ["AmbiguousAccount", "account_records", "match_accounts", "pick_account"]

FUZZY_MIN = 0.8
"""Smallest name similarity (difflib ratio of normalised names) counted as a match."""

TIE = 0.02
"""Candidates within this score of the best are indistinguishable: the query is ambiguous."""

_DOMAIN_LIKE = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(/.*)?$", re.IGNORECASE)


class AmbiguousAccount(InputError):
    """The query matches several accounts equally well; ``candidates`` lists them."""

    def __init__(self, message: str, *, hint: str | None, candidates: list[AccountMatch]) -> None:
        super().__init__(message, hint=hint)
        self.candidates = candidates


@lru_cache(maxsize=65536)
def _domain(value: str) -> str | None:
    """:func:`normalise_domain`, remembered: the same few thousand domains every view."""
    return normalise_domain(value)


@lru_cache(maxsize=65536)
def _company(value: str) -> str | None:
    """:func:`normalise_company`, remembered."""
    return normalise_company(value)


def account_records(wh: Warehouse) -> pd.DataFrame:
    """Company records with their key, normalised domain and name, and their group.

    Small: one row per company record (a few per account); the fuzzy name comparison
    needs them in Python.
    """
    if "accounts" not in wh.tables():
        raise NotFound(
            "The workspace has no accounts loaded.",
            hint="Load a CRM accounts or companies export with `accord load FILE`.",
        )

    def build(_: Params) -> ir.Table:
        t = with_account_id(wh, wh.table("accounts"), id_column="account_id", out="resolved")
        return t.select(
            "source_system", "account_id", "name", "domain", "segment", "owner_id", "created_at",
            "resolved",
        )  # fmt: skip

    df = run(wh, "account-records", build)
    df["key"] = df["source_system"] + ":" + df["account_id"]
    domains = {d: _domain(d) for d in df["domain"].dropna().unique()}
    df["ndomain"] = df["domain"].map(domains)
    if crosswalk_available(wh, ACCOUNT_CROSSWALK):
        df["group"] = df["resolved"]
    else:
        by_domain = df.dropna(subset=["ndomain"]).groupby("ndomain")["key"].min()
        df["group"] = df["ndomain"].map(by_domain).fillna(df["key"])
    return df


def _with_names(records: pd.DataFrame) -> pd.DataFrame:
    """*records* with ``nname``, the normalised company name (computed once, on demand)."""
    if "nname" not in records.columns:
        names = {n: _company(n) for n in records["name"].dropna().unique()}
        records["nname"] = records["name"].map(names)
    return records


def _match(group: pd.DataFrame, account_id: str, score: float, how: str) -> AccountMatch:
    def distinct(col: str) -> tuple[str, ...]:
        return tuple(sorted({str(v) for v in group[col].dropna()}))

    return AccountMatch(
        account_id=account_id,
        names=distinct("name"),
        domains=distinct("ndomain"),
        systems=distinct("source_system"),
        record_keys=distinct("key"),
        score=score,
        matched_on=how,
    )


def _scores(records: pd.DataFrame, query: str) -> pd.DataFrame:
    """Score every record against *query*: (score, how) columns."""
    q = query.strip()
    scored = records.assign(score=0.0, how="")
    ids = (records["key"] == q) | (records["account_id"] == q) | (records["group"] == q)
    scored.loc[ids, ["score", "how"]] = [1.0, "id"]
    if _DOMAIN_LIKE.match(q) and " " not in q:
        domain = normalise_domain(q)
        hit = (records["ndomain"] == domain) & ~ids
        scored.loc[hit, ["score", "how"]] = [1.0, "domain"]
    name = normalise_company(q)
    if name and not (scored["score"] == 1.0).any():
        records = _with_names(records)
        scored["nname"] = records["nname"]
        exact = (records["nname"] == name) & (scored["score"] < 1.0)
        scored.loc[exact, ["score", "how"]] = [1.0, "name"]
        rest = scored[(scored["score"] < 1.0) & records["nname"].notna()]
        ratios = {n: _similarity(name, n) for n in rest["nname"].unique()}
        fuzzy = rest["nname"].map(ratios).astype("float64")  # float even when empty
        good = fuzzy[fuzzy >= FUZZY_MIN]
        scored.loc[good.index, "score"] = good * 0.95
        scored.loc[good.index, "how"] = "fuzzy-name"
    return scored[scored["score"] > 0]


def _similarity(query: str, name: str) -> float:
    """difflib ratio; 0.9 when the query starts the name, 0.85 when it is words of it.

    A ratio below :data:`FUZZY_MIN` (no match) may come back as 0.
    """
    if name.startswith(query + " "):
        return 0.9
    if f" {query} " in f" {name} ":
        return 0.85
    m = SequenceMatcher(None, query, name)
    # Upper bounds of the ratio first: most names are far from the query.
    if m.real_quick_ratio() < FUZZY_MIN or m.quick_ratio() < FUZZY_MIN:
        return 0.0
    return m.ratio()


def match_accounts(
    wh: Warehouse, query: str, *, limit: int | None = 20, records: pd.DataFrame | None = None
) -> list[AccountMatch]:
    """Every account *query* matches, best first (see :func:`find_accounts`)."""
    records = account_records(wh) if records is None else records
    scored = _scores(records, query)
    hits: dict[str, tuple[float, str]] = {}  # group -> (score, how)
    if not scored.empty:
        best = scored.sort_values(["score", "group"], ascending=[False, True])
        first = best.groupby("group", sort=False).head(1)
        for group_id, score, how in zip(first["group"], first["score"], first["how"], strict=True):
            hits[str(group_id)] = (float(score), str(how))
    if crosswalk_available(wh, ACCOUNT_CROSSWALK):

        def build(p: Params) -> ir.Table:
            xw = wh.table(ACCOUNT_CROSSWALK)
            q = p.string("q")
            return xw.filter((xw.record_id == q) | (xw.account_id == q)).select("account_id")

        found = run(wh, "crosswalk-match", build, q=query.strip())["account_id"]
        for acc in sorted({str(a) for a in found}):
            hits.setdefault(acc, (1.0, "id"))
    ranked = sorted(hits, key=lambda g: (-hits[g][0], g))
    ranked = ranked[:limit] if limit is not None else ranked
    # Describe only the accounts returned: a common word can match hundreds.
    wanted = records[records["group"].isin(ranked)]
    groups = dict(iter(wanted.groupby("group", sort=False)))
    return [_match(groups.get(g, records.iloc[0:0]), g, hits[g][0], hits[g][1]) for g in ranked]


def describe(m: AccountMatch) -> str:
    """One line naming a candidate for a person choosing."""
    names = ", ".join(m.names[:2]) or "(no name)"
    domains = ", ".join(m.domains[:2]) or "no domain"
    return f"{m.account_id}  {names}  ({domains}; {m.matched_on} {m.score:.2f})"


def pick_account(wh: Warehouse, query: str, *, records: pd.DataFrame | None = None) -> AccountMatch:
    """The one account *query* names.

    Raises
    ------
    NotFound
        Nothing matches.
    AmbiguousAccount
        Several accounts match equally well (the error lists them).
    """
    if not query.strip():
        raise InputError("The account query is empty.", hint="Give a domain, a name or an id.")
    matches = match_accounts(wh, query, limit=None, records=records)
    if not matches:
        raise NotFound(
            f"No account matches {query!r}.",
            hint="Try the web domain (acme.io), part of the company name, or an account id; "
            "`accord resolve` links the records of all systems.",
        )
    top = matches[0]
    ties = [m for m in matches if m.score >= top.score - TIE]
    if len(ties) > 1:
        listed = "\n".join(f"  {describe(m)}" for m in ties[:10])
        more = f"\n  ... and {len(ties) - 10} more" if len(ties) > 10 else ""
        raise AmbiguousAccount(
            f"{query!r} matches {len(ties)} accounts:\n{listed}{more}",
            hint="Repeat the command with one of these account ids, or a more precise query.",
            candidates=ties,
        )
    return top
