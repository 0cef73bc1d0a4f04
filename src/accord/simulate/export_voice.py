"""The customer side: ``zendesk-tickets.csv``, ``accord-product_events.csv`` and
``accord-feedback.csv``, with their identity and theme truth rows."""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa

from accord.simulate import ids, text, variation
from accord.simulate.block import Block
from accord.simulate.clock import MISSING, format_times
from accord.simulate.counters import Counters
from accord.simulate.rng import Concern
from accord.simulate.support import PRIORITIES, TYPES
from accord.simulate.usage import EVENTS

__all__ = ["feedback", "product_events", "tickets"]

TICKETS: Final = (
    "Id",
    "Subject",
    "Description",
    "Requester",
    "Requester email",
    "Requester id",
    "Organization",
    "Organization id",
    "Status",
    "Priority",
    "Ticket type",
    "Satisfaction Score",
    "Created at",
    "Solved at",
    "Assignee",
    "Group",
    "Tags",
)
PRODUCT_EVENTS: Final = (
    "source_system",
    "source_id",
    "event_id",
    "account_id",
    "contact_id",
    "user_email",
    "ts",
    "event",
    "feature",
)
FEEDBACK: Final = (
    "source_system",
    "source_id",
    "feedback_id",
    "channel",
    "account_id",
    "contact_id",
    "email",
    "ts",
    "text",
    "rating",
)
AGENTS: Final = ("Ines Duarte", "Paul Novak", "Keisha Grant", "Arjun Mehta")
_PERSON_TRUTH = ("source_system", "source_id", "kind", "person_id", "account_id")


def _user_emails(
    b: Block, people_rows: np.ndarray, rng: np.random.Generator, *, work: float, personal: float
) -> list[str]:
    p = b.people
    u = rng.random(people_rows.size)
    out = []
    for i, x in zip(people_rows.tolist(), u.tolist(), strict=True):
        local, _, domain = p.work_email[i].partition("@")
        out.append(
            p.work_email[i]
            if x < work
            else p.personal_email[i]
            if x < work + personal
            else f"{local}+app@{domain}"
        )
    return out


def tickets(
    b: Block, counters: Counters
) -> tuple[dict[str, pa.Array], dict[str, pa.Array], dict[str, pa.Array]]:
    """Ticket columns, identity-truth rows of requesters and theme-truth rows."""
    t, u, a, p = b.tickets, b.usage, b.accounts, b.people
    rng = b.rng(Concern.ZENDESK_VARIATION)
    n = t.user.size
    person = u.user_person[t.user]
    acct = b.billing.account[u.user_customer[t.user]]
    style = rng.random(n)
    requester = [
        f"{p.first[i]} {p.last[i]}"
        if s < 0.8
        else p.first[i].lower()
        if s < 0.9
        else f"{p.last[i]}, {p.first[i]}"
        for i, s in zip(person.tolist(), style.tolist(), strict=True)
    ]
    email = _user_emails(b, person, rng, work=0.85, personal=0.1)
    org = variation.company_variants(
        rng,
        [a.name[i] for i in acct.tolist()],
        [a.brand[i] for i in acct.tolist()],
        [a.domain[i] for i in acct.tolist()],
        (0.2, 0.4, 0.4, 0.0, 0.0, 0.0),
    )
    done = t.solved < b.world.t1
    old = b.world.t1 - t.solved > 28 * 86_400
    status = np.where(
        done, np.where(old, "Closed", "Solved"), np.where(rng.random(n) < 0.6, "Open", "Pending")
    )
    ticket_id = ids.numeric_ids(1_001, counters.take("ticket", n))
    requester_id = b.zd_user(person)
    tags = [
        f"{text.THEMES[th]} {TYPES[k]}"
        for th, k in zip(t.theme.tolist(), t.kind.tolist(), strict=True)
    ]
    cols = {
        "Id": ticket_id,
        "Subject": t.subject,
        "Description": t.body,
        "Requester": requester,
        "Requester email": email,
        "Requester id": requester_id,
        "Organization": org,
        "Organization id": b.zd_org(acct),
        "Status": status.astype(object),
        "Priority": np.array(PRIORITIES, dtype=object)[t.priority],
        "Ticket type": np.array(TYPES, dtype=object)[t.kind],
        "Satisfaction Score": t.csat,
        "Created at": format_times(t.opened, "zendesk"),
        "Solved at": format_times(np.where(done, t.solved, MISSING), "zendesk"),
        "Assignee": np.array(AGENTS, dtype=object)[rng.integers(0, len(AGENTS), n)],
        "Group": np.where(
            t.theme == 0, "Billing", np.where(t.priority >= 2, "Tier 2", "Tier 1")
        ).astype(object),
        "Tags": tags,
    }
    uniq, first = np.unique(person, return_index=True)
    identity = {
        "source_system": pa.array(["zendesk"] * uniq.size),
        "source_id": b.zd_user(uniq),
        "kind": pa.array(["requester"] * uniq.size),
        "person_id": b.person_id(uniq),
        "account_id": b.true_account(uniq),
    }
    del first
    themes = {
        "source_system": pa.array(["zendesk"] * n),
        "source_id": ticket_id,
        "table": pa.array(["tickets"] * n),
        "theme": np.array(text.THEMES, dtype=object)[t.theme],
        "sentiment": np.where(t.positive, "positive", "negative").astype(object),
    }
    return cols, identity, themes


def product_events(b: Block, counters: Counters) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Product event columns and identity-truth rows of product users with events."""
    u = b.usage
    rng = b.rng(Concern.PRODUCT_VARIATION)
    n = u.event_ts.size
    person = u.user_person
    user_email = _user_emails(b, person, rng, work=0.92, personal=0.03)
    order = np.lexsort((u.event_ts, u.event_user))
    user = u.event_user[order]
    ev = ids.prefixed_ids("evt_", counters.take("product_event", n), 10)
    acct = b.billing.account[u.user_customer]
    cols = {
        "source_system": pa.array(["product"] * n),
        "source_id": ev,
        "event_id": ev,
        "account_id": b.workspace(acct[user]),
        "contact_id": b.product_user(person[user]),
        "user_email": np.array(user_email, dtype=object)[user] if n else [],
        "ts": format_times(u.event_ts[order], "iso"),
        "event": np.array([e for e, _, _ in EVENTS], dtype=object)[u.event_kind[order]],
        "feature": np.array([f for _, f, _ in EVENTS], dtype=object)[u.event_kind[order]],
    }
    active = np.unique(u.event_user)
    identity = {
        "source_system": pa.array(["product"] * active.size),
        "source_id": b.product_user(person[active]),
        "kind": pa.array(["product_user"] * active.size),
        "person_id": b.person_id(person[active]),
        "account_id": b.true_account(person[active]),
    }
    return cols, identity


def feedback(
    b: Block, counters: Counters
) -> tuple[dict[str, pa.Array], dict[str, pa.Array], dict[str, pa.Array]]:
    """Feedback columns, identity-truth rows of survey respondents, theme-truth rows."""
    v, u, d = b.voice, b.usage, b.deals
    rng = b.rng(Concern.FEEDBACK_VARIATION)
    n = v.kind.size
    nps, rev, note = v.kind == 0, v.kind == 1, v.kind == 2
    # only NPS rows have a user; the others get a placeholder person that is never used
    users = u.user_person if u.user_person.size else np.zeros(1, dtype=np.int64)
    person = users[np.maximum(v.user, 0)]
    emails = _user_emails(b, person, rng, work=0.9, personal=0.1)
    system = np.array(["delighted", "g2", "salesforce"], dtype=object)[v.kind]
    fid = np.empty(n, dtype=object)
    fid[nps] = ids.prefixed_ids("dl_", counters.take("delighted", int(nps.sum())), 9).to_pylist()
    fid[rev] = ids.prefixed_ids("g2-", counters.take("g2", int(rev.sum())), 7).to_pylist()
    fid[note] = ids.salesforce_ids("069", counters.take("sf_note", int(note.sum()))).to_pylist()
    deal = np.maximum(v.deal, 0)
    account = np.where(
        note,
        np.array(b.sf_account(d.account[deal]).to_pylist() if len(d) else [""] * n, dtype=object),
        "",
    )
    contact = np.where(
        note,
        np.array(b.sf_lead(d.lead[deal]).to_pylist() if len(d) else [""] * n, dtype=object),
        "",
    )
    rating = ["" if np.isnan(r) else str(int(r)) for r in v.rating.tolist()]
    cols = {
        "source_system": system,
        "source_id": fid,
        "feedback_id": fid,
        "channel": np.array(["nps", "review", "sales_note"], dtype=object)[v.kind],
        "account_id": account,
        "contact_id": contact,
        "email": np.where(nps, np.array(emails, dtype=object), ""),
        "ts": format_times(v.ts, "iso"),
        "text": v.body,
        "rating": rating,
    }
    k = int(nps.sum())
    identity = {
        "source_system": pa.array(["delighted"] * k),
        "source_id": fid[nps].tolist(),
        "kind": pa.array(["survey_response"] * k),
        "person_id": b.person_id(person[nps]),
        "account_id": b.true_account(person[nps]),
    }
    has_text = np.array([bool(x) for x in v.body], dtype=bool)
    themes = {
        "source_system": system[has_text],
        "source_id": fid[has_text],
        "table": pa.array(["feedback"] * int(has_text.sum())),
        "theme": np.array(text.THEMES, dtype=object)[v.theme[has_text]],
        "sentiment": np.where(v.positive[has_text], "positive", "negative").astype(object),
    }
    return cols, identity, themes
