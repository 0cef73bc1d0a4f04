"""Manual corrections of a workspace's resolution: merge, split, review decisions.

Overrides name records (``"<system>:<id>"``), never resolved ids, so they mean the same
after any re-run; a person or account id given by a user is turned into its records
through the current crosswalk. They are stored with who and why in the state store
(:mod:`accord.data.state.identity_overrides`, audited) and applied by the next
``accord resolve``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from accord.data.state.identity_overrides import (
    OverrideRecord,
    add_override,
    list_overrides,
    revoke_override,
)
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.errors import InputError, NotFound
from accord.identity.keys import ACCOUNT_CROSSWALK, PERSON_CROSSWALK
from accord.workflows.resolve import REVIEW_TABLE

__all__ = [
    "ReviewPair",
    "decide_pair",
    "merge",
    "overrides",
    "review_pairs",
    "revoke",
    "split",
]

_ID = {"person": "person_id", "account": "account_id"}
_TABLE = {"person": PERSON_CROSSWALK, "account": ACCOUNT_CROSSWALK}


def _crosswalk(wh: Warehouse, entity: str) -> pd.DataFrame:
    if _TABLE[entity] not in wh.tables():
        raise NotFound(
            "this workspace has not been resolved yet",
            hint="run `accord resolve` first",
        )
    xw = wh.table(_TABLE[entity]).select("source_system", "record_id", _ID[entity]).to_pandas()
    xw["key"] = xw["source_system"].astype(str) + ":" + xw["record_id"].astype(str)
    return xw


def _members(xw: pd.DataFrame, entity: str, ref: str) -> list[str]:
    """Record keys of *ref*: itself when it is a record key, else the id's records."""
    if ref in set(xw["key"]):
        return [ref]
    found = sorted(xw.loc[xw[_ID[entity]] == ref, "key"])
    if not found:
        raise NotFound(
            f"no {entity} record or {entity} id {ref!r}",
            hint="name a record as <system>:<id> (e.g. hubspot:701) or an id from the "
            f"{_TABLE[entity]} table",
        )
    return found


def merge(
    ws: Workspace, first: str, second: str, *, why: str, actor: str, entity: str = "person"
) -> OverrideRecord:
    """Record that *first* and *second* (records or ids) are one entity."""
    with ws.warehouse(read_only=True) as wh:
        xw = _crosswalk(wh, entity)
    a, b = _members(xw, entity, first)[0], _members(xw, entity, second)[0]
    if a == b:
        raise InputError(f"{first} and {second} are the same record", hint="name two records")
    with ws.state() as store, store.session() as session:
        return add_override(
            session,
            entity=entity,
            kind="merge",
            records=[a, b],
            reason=why,
            actor=actor,
            target=f"{first} + {second}",
        )


def split(
    ws: Workspace,
    entity_id: str,
    records: list[str],
    *,
    why: str,
    actor: str,
    entity: str = "person",
) -> OverrideRecord:
    """Record that *records* leave *entity_id* and form one entity of their own."""
    with ws.warehouse(read_only=True) as wh:
        xw = _crosswalk(wh, entity)
    members = set(xw.loc[xw[_ID[entity]] == entity_id, "key"])
    if not members:
        raise NotFound(f"no {entity} {entity_id!r}", hint=f"see the {_TABLE[entity]} table")
    outside = [r for r in records if r not in members]
    if outside:
        raise InputError(
            f"{', '.join(outside)} not in {entity} {entity_id}",
            hint=f"its records are: {', '.join(sorted(members))}",
        )
    if len(set(records)) == len(members):
        raise InputError(
            f"splitting every record of {entity_id} changes nothing",
            hint="name the records that are someone else",
        )
    with ws.state() as store, store.session() as session:
        return add_override(
            session,
            entity=entity,
            kind="split",
            records=list(records),
            reason=why,
            actor=actor,
            target=entity_id,
        )


@dataclass(frozen=True)
class ReviewPair:
    """An uncertain pair of person records from the last run."""

    pair_id: str
    match_probability: float
    why: str
    same_person_now: bool
    left_record: str
    right_record: str
    left_summary: str
    right_summary: str


def _decided(ws: Workspace) -> set[frozenset[str]]:
    with ws.state() as store, store.session() as session:
        return {
            frozenset(o.records)
            for o in list_overrides(session, entity="person")
            if o.origin == "review"
        }


def review_pairs(
    ws: Workspace, *, low: float = 0.5, high: float = 1.0, limit: int | None = None
) -> list[ReviewPair]:
    """Undecided uncertain pairs with ``low <= p <= high``, most probable first."""
    with ws.warehouse(read_only=True) as wh:
        if REVIEW_TABLE not in wh.tables():
            raise NotFound(
                "this workspace has not been resolved yet", hint="run `accord resolve` first"
            )
        t = wh.table(REVIEW_TABLE)
        rows = t.filter((t.match_probability >= low) & (t.match_probability <= high)).to_pandas()
    decided = _decided(ws)
    rows = rows.sort_values(["match_probability", "pair_id"], ascending=[False, True])
    out = [
        ReviewPair(
            pair_id=str(r.pair_id),
            match_probability=float(r.match_probability),
            why=str(r.why),
            same_person_now=bool(r.same_person_now),
            left_record=str(r.left_record),
            right_record=str(r.right_record),
            left_summary=str(r.left_summary),
            right_summary=str(r.right_summary),
        )
        for r in rows.itertuples(index=False)
        if frozenset((str(r.left_record), str(r.right_record))) not in decided
    ]
    return out if limit is None else out[:limit]


def decide_pair(
    ws: Workspace, pair: str, *, same: bool, actor: str, why: str | None = None
) -> OverrideRecord:
    """Turn a review decision into an override: same person (merge) or not (apart)."""
    with ws.warehouse(read_only=True) as wh:
        if REVIEW_TABLE not in wh.tables():
            raise NotFound("nothing to review yet", hint="run `accord resolve` first")
        t = wh.table(REVIEW_TABLE)
        found = t.filter(t.pair_id == pair).to_pandas()
    if found.empty:
        raise NotFound(
            f"no pair {pair!r} in the last run's review list",
            hint="list them with `accord identity review`",
        )
    row = found.iloc[0]
    reason = why or ("confirmed in review" if same else "rejected in review")
    with ws.state() as store, store.session() as session:
        return add_override(
            session,
            entity="person",
            kind="merge" if same else "apart",
            records=[str(row["left_record"]), str(row["right_record"])],
            reason=reason,
            actor=actor,
            target=pair,
            origin="review",
        )


def overrides(ws: Workspace, *, include_revoked: bool = False) -> list[OverrideRecord]:
    """Every override, oldest first."""
    with ws.state() as store, store.session() as session:
        return list_overrides(session, include_revoked=include_revoked)


def revoke(ws: Workspace, override_id: int, *, actor: str) -> OverrideRecord:
    """Stop applying an override from the next run on."""
    with ws.state() as store, store.session() as session:
        return revoke_override(session, override_id, actor=actor)
