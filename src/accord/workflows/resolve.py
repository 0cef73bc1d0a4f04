"""Resolve a workspace: every contact-like record to a person, every company to an account.

:func:`resolve_workspace` reads the records (:mod:`accord.workflows.identity.sources`),
links people (:func:`accord.identity.people.link_people`: cross-references, exact
keys, the Splink model behind a name gate) and accounts
(:func:`accord.identity.accounts.link_accounts`: domain and company name), applies the
overrides of the state store in the order they were made, keeps the ids of the last
run (:mod:`accord.identity.stable`) and replaces the crosswalks of
:mod:`accord.identity.keys` (plus ``identity_review``, the pairs for a person to
decide) in one warehouse transaction.

A person's account is the account most of their records point at (a contact's company
id, a requester's organisation, a product user's workspace, a billing customer); without
one, the account whose domain is the person's work email domain, then the account whose
normalised name is the company typed on their records.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from accord.data.state.identity_overrides import list_overrides
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.errors import InputError
from accord.identity.accounts import AccountLinks, link_accounts
from accord.identity.keys import (
    ACCOUNT_COLUMNS,
    ACCOUNT_CROSSWALK,
    PERSON_COLUMNS,
    PERSON_CROSSWALK,
)
from accord.identity.normalise import account_domain, normalise_company
from accord.identity.people import PeopleLinks, link_people
from accord.identity.resolve import DEFAULT_THRESHOLD
from accord.identity.stable import apply_overrides, assign_stable_ids
from accord.workflows.identity.sources import account_records, person_records

__all__ = [
    "REVIEW_TABLE",
    "ResolutionSummary",
    "pair_id",
    "resolve_workspace",
]

REVIEW_TABLE = "identity_review"
"""Warehouse table of the uncertain person pairs of the last run."""

Step = Callable[[str, int, int], None]

_SQL = {"string": "VARCHAR", "float64": "DOUBLE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}
_REVIEW_COLUMNS: dict[str, str] = {
    "pair_id": "string",
    "left_record": "string",
    "right_record": "string",
    "match_probability": "float64",
    "why": "string",
    "same_person_now": "boolean",
    "left_person_id": "string",
    "right_person_id": "string",
    "left_summary": "string",
    "right_summary": "string",
    "run_id": "string",
}


@dataclass(frozen=True)
class ResolutionSummary:
    """What a run did (counts for people and accounts, rules, review, ids kept)."""

    run_id: str
    person_records: int
    people: int
    account_records: int
    accounts: int
    people_by_rule: dict[str, int] = field(default_factory=dict)
    accounts_by_rule: dict[str, int] = field(default_factory=dict)
    to_review: int = 0
    people_kept: int = 0
    people_new: int = 0
    accounts_kept: int = 0
    accounts_new: int = 0
    overrides: int = 0
    model_status: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def pair_id(left: str, right: str) -> str:
    """A short stable id for a pair of record keys (order does not matter)."""
    a, b = sorted((left, right))
    return "R" + hashlib.sha1(f"{a}\x1f{b}".encode()).hexdigest()[:10]


def _keys(frame: pd.DataFrame) -> np.ndarray:
    keys: np.ndarray = (
        frame["source_system"].astype(str) + ":" + frame["record_id"].astype(str)
    ).to_numpy()
    return keys


def _prior(wh: Warehouse, table: str, column: str) -> dict[str, str]:
    if table not in wh.tables():
        return {}
    xw = wh.table(table).select("source_system", "record_id", column).to_pandas()
    keys = xw["source_system"].astype(str) + ":" + xw["record_id"].astype(str)
    return dict(zip(keys, xw[column].astype(str), strict=True))


def resolve_workspace(
    ws: Workspace,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Step | None = None,
) -> ResolutionSummary:
    """Resolve *ws* and replace its crosswalks; return what happened.

    Parameters
    ----------
    ws
        The workspace.
    threshold
        Model probability at or above which a (name-gated) link joins two records.
    progress
        Called as ``progress(label, done, total)`` between the steps.

    Raises
    ------
    InputError
        The warehouse holds no contact-like or company-like record.
    """
    step = progress or (lambda label, done, total: None)
    with ws.state() as store, store.session() as session:
        person_overrides = [
            (o.id, o.kind, o.records) for o in list_overrides(session, entity="person")
        ]
        account_overrides = [
            (o.id, o.kind, o.records) for o in list_overrides(session, entity="account")
        ]
    with ws.warehouse() as wh:
        step("reading records", 0, 5)
        people = person_records(wh)
        accounts = account_records(wh, people)
        if people.empty and accounts.empty:
            raise InputError(
                "the warehouse holds no contact-like or company-like records to resolve",
                hint="load contacts, leads, tickets, product events, invoices or accounts "
                "first: `accord load FILE -w W`",
            )
        prior_people = _prior(wh, PERSON_CROSSWALK, "person_id")
        prior_accounts = _prior(wh, ACCOUNT_CROSSWALK, "account_id")
        step("linking people (exact keys, Splink model)", 1, 5)
        found = link_people(_for_linking(people), threshold=threshold)
        step("linking accounts", 2, 5)
        acc = link_accounts(
            pd.DataFrame(
                {"key": _keys(accounts), "name": accounts["name"], "domain": accounts["domain"]}
            )
        )
        step("applying overrides and keeping ids", 3, 5)
        p_keys, a_keys = _keys(people), _keys(accounts)
        p_labels, p_touched = apply_overrides(
            p_keys, found.labels, [(k, r) for _, k, r in person_overrides]
        )
        a_labels, a_touched = apply_overrides(
            a_keys, acc.labels, [(k, r) for _, k, r in account_overrides]
        )
        person_ids = assign_stable_ids(p_keys, p_labels, prior_people, "P")
        account_ids = assign_stable_ids(a_keys, a_labels, prior_accounts, "A")
        run_id = "resolve-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        at = datetime.now(UTC).replace(tzinfo=None)
        acc_frame = _account_frame(accounts, a_keys, account_ids, acc, a_touched, account_overrides)
        person_account = _person_accounts(people, person_ids, acc_frame)
        p_frame = _person_frame(
            people, p_keys, person_ids, person_account, found, p_touched, person_overrides
        )
        review = _review(found.review, people, p_keys, person_ids)
        step("writing crosswalks", 4, 5)
        _write(wh, p_frame, acc_frame, review, run_id, at)
        step("done", 5, 5)
    return ResolutionSummary(
        run_id=run_id,
        person_records=len(p_frame),
        people=int(p_frame["person_id"].nunique()),
        account_records=len(acc_frame),
        accounts=int(acc_frame["account_id"].nunique()),
        people_by_rule=_counts(p_frame["decided_by"]),
        accounts_by_rule=_counts(acc_frame["decided_by"]),
        to_review=len(review),
        people_kept=len(set(person_ids) & set(prior_people.values())),
        people_new=len(set(person_ids) - set(prior_people.values())),
        accounts_kept=len(set(account_ids) & set(prior_accounts.values())),
        accounts_new=len(set(account_ids) - set(prior_accounts.values())),
        overrides=len(person_overrides) + len(account_overrides),
        model_status=found.model_status,
    )


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(Counter(values.fillna("alone")).items())}


def _for_linking(people: pd.DataFrame) -> pd.DataFrame:
    frame = people.copy()
    frame.insert(0, "key", _keys(people))
    return frame


def _decided(
    rule: list[str | None],
    keys: np.ndarray,
    touched: dict[str, int],
    ids: list[tuple[int, str, tuple[str, ...]]],
) -> tuple[list[str], list[bool]]:
    out, forced = [], []
    for k, r in zip(keys.tolist(), rule, strict=True):
        if str(k) in touched:
            number = touched[str(k)]
            out.append(f"override:{ids[number][0]}:{ids[number][1]}")
            forced.append(ids[number][1] == "merge")
        else:
            out.append("alone" if r is None else r)
            forced.append(False)
    return out, forced


def _account_frame(
    accounts: pd.DataFrame,
    keys: np.ndarray,
    ids: list[str],
    links: AccountLinks,
    touched: dict[str, int],
    overrides: list[tuple[int, str, tuple[str, ...]]],
) -> pd.DataFrame:
    rule = links.rule
    probability = np.asarray(links.probability, dtype=float).copy()
    decided, forced = _decided(rule, keys, touched, overrides)
    probability[np.asarray(forced, dtype=bool)] = 1.0
    return pd.DataFrame(
        {
            "source_system": accounts["source_system"].astype(str),
            "record_id": accounts["record_id"].astype(str),
            "record_kind": accounts["record_kind"].astype(str),
            "account_id": ids,
            "match_probability": probability,
            "decided_by": decided,
            "_key": keys,
            "_domain": [
                account_domain(d) if isinstance(d, str) else None for d in accounts["domain"]
            ],
            "_name": [
                normalise_company(n) if isinstance(n, str) else None for n in accounts["name"]
            ],
        }
    )


def _person_accounts(
    people: pd.DataFrame, person_ids: list[str], accounts: pd.DataFrame
) -> dict[str, str]:
    """Person id -> account id (see the module docstring)."""
    by_key = dict(zip(accounts["_key"], accounts["account_id"], strict=True))
    by_domain: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for d, n, a in sorted(
        zip(accounts["_domain"], accounts["_name"], accounts["account_id"], strict=True),
        key=lambda x: x[2],
    ):
        if d and d not in by_domain:
            by_domain[d] = a
        if n and n not in by_name:
            by_name[n] = a
    votes: dict[str, Counter[str]] = {}
    fallback: dict[str, Counter[str]] = {}
    for pid, ref, email, company in zip(
        person_ids, people["account_ref"], people["email"], people["company"], strict=True
    ):
        if isinstance(ref, str) and ref in by_key:
            votes.setdefault(pid, Counter())[by_key[ref]] += 1
        domain = account_domain(email) if isinstance(email, str) else None
        if domain in by_domain:
            fallback.setdefault(pid, Counter())[by_domain[str(domain)]] += 2
        name = normalise_company(company) if isinstance(company, str) else None
        if name in by_name:
            fallback.setdefault(pid, Counter())[by_name[str(name)]] += 1
    out: dict[str, str] = {}
    for pid in set(person_ids):
        counter = votes.get(pid) or fallback.get(pid)
        if counter:
            out[pid] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return out


def _person_frame(
    people: pd.DataFrame,
    keys: np.ndarray,
    ids: list[str],
    accounts: dict[str, str],
    found: PeopleLinks,
    touched: dict[str, int],
    overrides: list[tuple[int, str, tuple[str, ...]]],
) -> pd.DataFrame:
    probability = np.asarray(found.probability, dtype=float).copy()
    decided, forced = _decided(found.rule, keys, touched, overrides)
    probability[np.asarray(forced, dtype=bool)] = 1.0
    return pd.DataFrame(
        {
            "source_system": people["source_system"].astype(str),
            "record_id": people["record_id"].astype(str),
            "record_kind": people["record_kind"].astype(str),
            "person_id": ids,
            "account_id": [accounts.get(p) for p in ids],
            "match_probability": probability,
            "decided_by": decided,
        }
    )


def _review(
    candidates: pd.DataFrame, people: pd.DataFrame, keys: np.ndarray, ids: list[str]
) -> pd.DataFrame:
    info = people.assign(_key=keys, _pid=ids).set_index("_key")
    rows = []
    for left, right, p, why in candidates[["left", "right", "match_probability", "why"]].itertuples(
        index=False
    ):
        a, b = info.loc[left], info.loc[right]
        rows.append(
            {
                "pair_id": pair_id(left, right),
                "left_record": left,
                "right_record": right,
                "match_probability": float(p),
                "why": why,
                "same_person_now": bool(a["_pid"] == b["_pid"]),
                "left_person_id": a["_pid"],
                "right_person_id": b["_pid"],
                "left_summary": _summary(a),
                "right_summary": _summary(b),
            }
        )
    return pd.DataFrame(rows, columns=[c for c in _REVIEW_COLUMNS if c != "run_id"])


def _summary(row: pd.Series) -> str:
    name = " ".join(str(row[c]) for c in ("first_name", "last_name") if isinstance(row[c], str))
    parts = [name, row["email"], row["phone"], row["company"], row["city"]]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p)


def _write(
    wh: Warehouse,
    people: pd.DataFrame,
    accounts: pd.DataFrame,
    review: pd.DataFrame,
    run_id: str,
    at: datetime,
) -> None:
    """Replace the three tables in one transaction (readers see the old or the new)."""
    people = people.assign(run_id=run_id, resolved_at=at)[list(PERSON_COLUMNS)]
    accounts = accounts.assign(run_id=run_id, resolved_at=at)[list(ACCOUNT_COLUMNS)]
    review = review.assign(run_id=run_id)
    con = wh.duckdb
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame, types in (
            (PERSON_CROSSWALK, people, PERSON_COLUMNS),
            (ACCOUNT_CROSSWALK, accounts, ACCOUNT_COLUMNS),
            (REVIEW_TABLE, review, _REVIEW_COLUMNS),
        ):
            con.register("__accord_frame", frame)
            select = ", ".join(f'CAST("{c}" AS {_SQL[t]}) AS "{c}"' for c, t in types.items())
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {select} FROM __accord_frame')
            con.unregister("__accord_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
