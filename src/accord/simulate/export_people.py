"""People as HubSpot and Salesforce export them (``hubspot-contacts.csv``,
``salesforce-leads.csv``) and their rows in ``ground_truth/identity.csv``."""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa

from accord.simulate import names, params, variation
from accord.simulate.arrays import take
from accord.simulate.block import Block
from accord.simulate.clock import MISSING, format_times
from accord.simulate.handling import REASON_CODES
from accord.simulate.people import INBOUND
from accord.simulate.rng import Concern

__all__ = ["HUBSPOT_CONTACTS", "SALESFORCE_LEADS", "hubspot_contacts", "salesforce_leads"]

HUBSPOT_CONTACTS: Final = (
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Job Title",
    "Company Name",
    "Website URL",
    "City",
    "State/Region",
    "Country/Region",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Original Source Drill-Down 1",
    "Contact owner",
    "Associated Company IDs (Primary)",
    "Create Date",
    "Became a Subscriber Date",
    "Became a Lead Date",
    "Became a Marketing Qualified Lead Date",
    "Salesforce Lead ID",
)
SALESFORCE_LEADS: Final = (
    "Lead ID",
    "First Name",
    "Last Name",
    "Title",
    "Company",
    "Email",
    "Phone",
    "Website",
    "City",
    "State/Province",
    "Country",
    "Industry",
    "No. of Employees",
    "Lead Status",
    "Lead Source",
    "Lead Owner",
    "Create Date",
    "Converted Date",
    "Converted Account ID",
    "Converted Contact ID",
)
_LIFECYCLE_LABEL: Final = ("Subscriber", "Lead", "Marketing Qualified Lead")
_OFFLINE_DRILLDOWN: Final = ("INTEGRATION", "CRM_UI", "IMPORT")
_COUNTRY_SF: Final = {
    "United States": ("United States", "USA", "US"),
    "United Kingdom": ("United Kingdom", "UK", "GB"),
}
_RECYCLE = {r.code for r in params.REASONS if r.effect == "recycle"}


def _where(mask: np.ndarray, a: list[str], b: list[str]) -> list[str]:
    return [x if m else y for m, x, y in zip(mask.tolist(), a, b, strict=True)]


def hubspot_contacts(b: Block) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Columns of ``hubspot-contacts.csv`` and the matching identity-truth rows."""
    rng = b.rng(Concern.HUBSPOT_VARIATION)
    p, j, a = b.people, b.journeys, b.accounts
    prim = np.flatnonzero(b.hs_primary >= 0)
    dup = np.flatnonzero(b.hs_duplicate >= 0)
    rows = np.concatenate([prim, dup])
    is_dup = np.repeat([False, True], [prim.size, dup.size])
    n = rows.size
    first = [p.first[i] for i in rows.tolist()]
    last = [p.last[i] for i in rows.tolist()]
    f_var, l_var = variation.name_variants(
        rng, first, last, nickname=0.0, typo_rate=0.01, case=0.03
    )
    f_dup, l_dup = variation.name_variants(
        rng, first, last, nickname=0.3, typo_rate=0.05, case=0.05
    )
    work = [p.work_email[i] for i in rows.tolist()]
    personal = [p.personal_email[i] for i in rows.tolist()]
    uses_personal = p.signup_personal[rows]
    email = _where(uses_personal ^ is_dup, personal, work)
    free = np.array([e.rsplit("@", 1)[-1] in names.FREE_MAIL for e in email])
    acct = p.account[rows]
    company = variation.company_variants(
        rng,
        [a.name[i] for i in acct.tolist()],
        [a.brand[i] for i in acct.tolist()],
        [a.domain[i] for i in acct.tolist()],
        (0.15, 0.45, 0.25, 0.05, 0.05, 0.05),
    )
    student = p.student[rows]
    uni = [names.UNIVERSITIES[i % len(names.UNIVERSITIES)] for i in p.index[rows].tolist()]
    company = _where(student, uni, company)
    place = p.place[rows]
    created = np.where(is_dup, j.duplicate_at[rows], b.hs_created[rows])
    inbound = p.origin[rows] == INBOUND
    mql = np.where(is_dup, MISSING, j.mql_at[rows])
    lead = np.where(
        is_dup,
        np.where(rng.random(n) < 0.5, created, MISSING),
        np.where(inbound, j.lead_at[rows], created),
    )
    lead = np.where((lead != MISSING) & (lead >= b.world.t1), MISSING, lead)
    subscriber = np.where(
        is_dup,
        np.where(lead == MISSING, created, MISSING),
        np.where(inbound, j.subscriber_at[rows], MISSING),
    )
    stage = np.where(mql != MISSING, 2, np.where(lead != MISSING, 1, 0))
    source_ch = j.source[rows]
    offline = (~inbound) | is_dup
    channels = params.CHANNELS
    orig = [
        ("Offline Sources" if off else channels[c].hubspot_source)
        for off, c in zip(
            offline.tolist(), np.minimum(source_ch, len(channels) - 1).tolist(), strict=True
        )
    ]
    drill_pick = rng.integers(0, 3, n)
    drill = [
        (_OFFLINE_DRILLDOWN[d] if off else channels[c].utm_source.upper())
        for off, c, d in zip(
            offline.tolist(),
            np.minimum(source_ch, len(channels) - 1).tolist(),
            drill_pick.tolist(),
            strict=True,
        )
    ]
    lead_row = b.first_lead[rows]
    has_lead = (lead_row >= 0) & ~is_dup
    le = b.leads
    reps = [r.name for r in params.REPS]
    owner = _where(
        has_lead & (mql != MISSING), [reps[o] for o in take(le.owner, lead_row, 0)], [""] * n
    )
    status = []
    for h, acc, reason, tried, sql in zip(
        has_lead.tolist(),
        (take(le.accepted_at, lead_row, MISSING) != MISSING).tolist(),
        take(le.rejected_reason, lead_row, -1).tolist(),
        take(le.attempted, lead_row, False).tolist(),
        (take(le.sql_at, lead_row, MISSING) != MISSING).tolist(),
        strict=True,
    ):
        if not h:
            status.append("")
        elif sql:
            status.append("Open Deal")
        elif acc:
            status.append("In Progress")
        elif reason >= 0:
            status.append("Bad Timing" if REASON_CODES[reason] in _RECYCLE else "Unqualified")
        else:
            status.append("Attempted to Contact" if tried else "New")
    sf_link = has_lead & (rng.random(n) < 0.9)
    sf_ids = b.sf_lead(np.maximum(lead_row, 0)).to_pylist() if len(le) else [""] * n
    phone = variation.phone_formats(rng, [p.phone[i] for i in rows.tolist()], ("intl",), 0.5)
    title = _where(rng.random(n) < 0.3, [""] * n, [p.title[i] for i in rows.tolist()])
    web = variation.website_variants(rng, [a.domain[i] for i in acct.tolist()], 0.6)
    assoc = _where(free | student, [""] * n, b.hs_company(acct).to_pylist())
    counters = np.where(is_dup, b.hs_duplicate[rows], b.hs_primary[rows])
    record_ids = b.hs_contact(counters)
    cols = {
        "Record ID": record_ids,
        "First Name": _where(is_dup, f_dup, f_var),
        "Last Name": _where(is_dup, l_dup, l_var),
        "Email": email,
        "Phone Number": phone,
        "Job Title": title,
        "Company Name": company,
        "Website URL": _where(student, [""] * n, web),
        "City": [names.PLACES[i][2] for i in place.tolist()],
        "State/Region": [names.PLACES[i][1] for i in place.tolist()],
        "Country/Region": [names.PLACES[i][0] for i in place.tolist()],
        "Lifecycle Stage": [_LIFECYCLE_LABEL[s] for s in stage.tolist()],
        "Lead Status": status,
        "Original Source": orig,
        "Original Source Drill-Down 1": drill,
        "Contact owner": owner,
        "Associated Company IDs (Primary)": assoc,
        "Create Date": format_times(created, "hubspot"),
        "Became a Subscriber Date": format_times(subscriber, "hubspot"),
        "Became a Lead Date": format_times(lead, "hubspot"),
        "Became a Marketing Qualified Lead Date": format_times(mql, "hubspot"),
        "Salesforce Lead ID": _where(sf_link, sf_ids, [""] * n),
    }
    truth = {
        "source_system": pa.array(["hubspot"] * n),
        "source_id": record_ids,
        "kind": pa.array(["contact"] * n),
        "person_id": b.person_id(rows),
        "account_id": b.true_account(rows),
    }
    return cols, truth


def salesforce_leads(b: Block) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Columns of ``salesforce-leads.csv`` and the matching identity-truth rows."""
    rng = b.rng(Concern.SALESFORCE_VARIATION)
    p, a, le = b.people, b.accounts, b.leads
    rows = le.person
    n = rows.size
    dup = le.kind == 1
    first = [p.first[i] for i in rows.tolist()]
    last = [p.last[i] for i in rows.tolist()]
    fn, ln = variation.name_variants(rng, first, last, nickname=0.08, typo_rate=0.04, case=0.03)
    work = [p.work_email[i] for i in rows.tolist()]
    personal = [p.personal_email[i] for i in rows.tolist()]
    primary = _where(p.signup_personal[rows], personal, work)
    other = _where(p.signup_personal[rows], work, personal)
    normal = variation.email_variants(
        rng,
        primary,
        other,
        first,
        last,
        same=0.62,
        plus=0.1,
        alias=0.08,
        other_rate=0.1,
        missing=0.05,
    )
    second = variation.email_variants(
        rng,
        primary,
        other,
        first,
        last,
        same=0.05,
        plus=0.3,
        alias=0.2,
        other_rate=0.4,
        missing=0.05,
    )
    acct = p.account[rows]
    company = variation.company_variants(
        rng,
        [a.name[i] for i in acct.tolist()],
        [a.brand[i] for i in acct.tolist()],
        [a.domain[i] for i in acct.tolist()],
        (0.35, 0.25, 0.15, 0.1, 0.1, 0.05),
    )
    student = p.student[rows]
    uni = [names.UNIVERSITIES[i % len(names.UNIVERSITIES)] for i in p.index[rows].tolist()]
    place = p.place[rows]
    country = []
    pick = rng.integers(0, 3, n)
    for pl, k in zip(place.tolist(), pick.tolist(), strict=True):
        c = names.PLACES[pl][0]
        country.append(_COUNTRY_SF.get(c, (c,))[k % len(_COUNTRY_SF.get(c, (c,)))])
    status = []
    for sql, acc, reason, tried in zip(
        (le.sql_at != MISSING).tolist(),
        (le.accepted_at != MISSING).tolist(),
        le.rejected_reason.tolist(),
        le.attempted.tolist(),
        strict=True,
    ):
        if sql:
            status.append("Closed - Converted")
        elif reason >= 0:
            status.append(
                "Nurture" if REASON_CODES[reason] in _RECYCLE else "Closed - Not Converted"
            )
        elif acc or tried:
            status.append("Working - Contacted")
        else:
            status.append("Open - Not Contacted")
    src = []
    for k, c in zip(le.kind.tolist(), le.source.tolist(), strict=True):
        if k == 2:
            src.append("Outbound")
        elif k == 3:
            src.append("Partner Referral")
        else:
            src.append(params.CHANNELS[min(c, len(params.CHANNELS) - 1)].salesforce_source)
    converted = le.sql_at != MISSING
    titles = [p.title[i] for i in rows.tolist()]
    short = [t.replace("VP of ", "VP ").replace("Director of ", "Dir. ") for t in titles]
    u = rng.random(n)
    title = [
        ("" if x < 0.2 else s if x < 0.3 else t)
        for x, s, t in zip(u.tolist(), short, titles, strict=True)
    ]
    employees = a.employees[acct].astype(str)
    lead_ids = b.sf_lead(np.arange(n))
    cols = {
        "Lead ID": lead_ids,
        "First Name": fn,
        "Last Name": ln,
        "Title": title,
        "Company": _where(student, uni, company),
        "Email": _where(dup, second, normal),
        "Phone": variation.phone_formats(
            rng, [p.phone[i] for i in rows.tolist()], ("us", "dots", "e164", "intl"), 0.35
        ),
        "Website": _where(
            student,
            [""] * n,
            variation.website_variants(rng, [a.domain[i] for i in acct.tolist()], 0.3),
        ),
        "City": [names.PLACES[i][2] for i in place.tolist()],
        "State/Province": [names.PLACES[i][1] for i in place.tolist()],
        "Country": country,
        "Industry": _where(
            student | (rng.random(n) < 0.2),
            [""] * n,
            [names.INDUSTRIES[a.industry[i]] for i in acct.tolist()],
        ),
        "No. of Employees": _where(student | (rng.random(n) < 0.25), [""] * n, employees.tolist()),
        "Lead Status": status,
        "Lead Source": src,
        "Lead Owner": [params.REPS[o].name for o in le.owner.tolist()],
        "Create Date": format_times(le.created, "us_date"),
        "Converted Date": format_times(le.sql_at, "us_date"),
        "Converted Account ID": _where(converted, b.sf_account(acct).to_pylist(), [""] * n),
        "Converted Contact ID": _where(converted, b.sf_contact(np.arange(n)).to_pylist(), [""] * n),
    }
    conv = np.flatnonzero(converted)
    truth = {
        "source_system": pa.array(["salesforce"] * (n + conv.size)),
        "source_id": pa.concat_arrays([lead_ids, b.sf_contact(conv)]),
        "kind": pa.array(["lead"] * n + ["contact"] * conv.size),
        "person_id": b.person_id(np.concatenate([rows, rows[conv]])),
        "account_id": b.true_account(np.concatenate([rows, rows[conv]])),
    }
    return cols, truth
