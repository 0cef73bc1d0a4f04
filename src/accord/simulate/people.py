"""People: who works at the accounts of a block, with their true attributes.

Each person has one true identity (name, work email, phone, title, place). How each
system records them, with typos and other emails, is ``variation.py``'s business.

Origin: ``inbound`` people find the company through marketing; ``outbound`` people are
prospected by SDRs; ``partner`` people are referred by a partner. The share of outbound
grows with company size. 1.5 % of inbound people are students (no account: their
company field names a university).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from accord.simulate import names, params
from accord.simulate.accounts import EMAIL_FORMATS, Accounts

__all__ = ["INBOUND", "OUTBOUND", "PARTNER", "SENIORITY", "People", "make_people"]

INBOUND: Final = 0
OUTBOUND: Final = 1
PARTNER: Final = 2
ORIGIN_WEIGHTS: Final = ((0.88, 0.09, 0.03), (0.80, 0.16, 0.04), (0.70, 0.25, 0.05))
SENIORITY: Final = ("c_level", "vp", "director", "manager", "individual", "student")
SENIORITY_WEIGHTS: Final = (0.06, 0.12, 0.20, 0.30, 0.32)
STUDENT_RATE: Final = 0.015
PERSONAL_EMAIL_RATE: Final = 0.08
"""Share of inbound people who sign up with a free-mail address."""

DEPARTMENTS: Final = ("Marketing", "Sales", "Revenue Operations", "Finance", "Engineering")
DEPARTMENT_WEIGHTS: Final = (0.35, 0.25, 0.15, 0.10, 0.15)
_TITLES: Final = {
    "c_level": ("CMO", "CRO", "COO", "CFO", "CTO"),
    "vp": (
        "VP of Marketing",
        "VP of Sales",
        "VP Revenue Operations",
        "VP Finance",
        "VP Engineering",
    ),
    "director": (
        "Director of Demand Generation",
        "Director of Sales",
        "Director, Revenue Operations",
        "Director of FP&A",
        "Director of Engineering",
    ),
    "manager": (
        "Marketing Manager",
        "Sales Manager",
        "RevOps Manager",
        "Finance Manager",
        "Engineering Manager",
    ),
    "individual": (
        "Marketing Specialist",
        "Account Executive",
        "Sales Operations Analyst",
        "Financial Analyst",
        "Software Engineer",
    ),
}


@dataclass(frozen=True, slots=True)
class People:
    """People of a block; arrays aligned; ``index`` is the global person number."""

    index: np.ndarray
    account: np.ndarray
    """Row in the block's :class:`Accounts`."""
    origin: np.ndarray
    seniority: np.ndarray
    first: list[str]
    last: list[str]
    title: list[str]
    place: np.ndarray
    phone: list[str]
    """E.164 without the plus sign's formatting, e.g. ``14155550134``."""
    work_email: list[str]
    personal_email: list[str]
    signup_personal: np.ndarray
    student: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)


def _local_part(fmt: str, first: str, last: str) -> str:
    f = first.lower().replace("'", "").replace(" ", "")
    la = last.lower().replace("'", "").replace(" ", "").replace("ü", "u")
    if fmt == "first.last":
        return f"{f}.{la}"
    if fmt == "flast":
        return f"{f[0]}{la}"
    if fmt == "first":
        return f
    if fmt == "firstl":
        return f"{f}{la[0]}"
    return f"{f}_{la}"


def make_people(accounts: Accounts, rng: np.random.Generator, first_index: int) -> People:
    """Generate the people of *accounts*; global numbers start at *first_index*."""
    means = np.array([s.people_mean for s in params.SEGMENTS])[accounts.segment]
    count = 1 + rng.poisson(means - 1)
    account = np.repeat(np.arange(len(accounts)), count)
    n = account.size
    seg = accounts.segment[account]
    u = rng.random(n)
    cum = np.cumsum(np.array(ORIGIN_WEIGHTS), axis=1)[seg]
    origin = (u[:, None] > cum).sum(axis=1)
    seniority = np.searchsorted(np.cumsum(SENIORITY_WEIGHTS), rng.random(n) * 0.999999)
    student = (origin == INBOUND) & (rng.random(n) < STUDENT_RATE)
    seniority = np.where(student, SENIORITY.index("student"), seniority)
    department = rng.choice(len(DEPARTMENTS), n, p=DEPARTMENT_WEIGHTS)
    first_i = rng.integers(0, len(names.FIRST_NAMES), n)
    last_i = rng.integers(0, len(names.LAST_NAMES), n)
    first = [names.FIRST_NAMES[i] for i in first_i.tolist()]
    last = [names.LAST_NAMES[i] for i in last_i.tolist()]
    title = [
        "Student" if s == 5 else _TITLES[SENIORITY[s]][d]
        for s, d in zip(seniority.tolist(), department.tolist(), strict=True)
    ]
    moved = rng.random(n) < 0.15
    place = np.where(
        moved, rng.choice(len(names.PLACES), n, p=names.PLACE_WEIGHTS), accounts.place[account]
    )
    area_pick = rng.integers(0, 2, n)
    index = np.arange(first_index, first_index + n, dtype=np.int64)
    # unique per person: a bijection of the person number onto 7-digit local numbers
    subscriber = 2_000_000 + (index * 1_299_709 + 17) % 7_999_997
    phone = []
    for p, a, s in zip(place.tolist(), area_pick.tolist(), subscriber.tolist(), strict=True):
        _, _, _, cc, areas, _, _ = names.PLACES[p]
        phone.append(f"{cc}{areas[a % len(areas)]}{s}")
    work_email: list[str] = []
    seen: dict[str, int] = {}
    fmt = accounts.email_format[account]
    for i in range(n):
        local = _local_part(EMAIL_FORMATS[fmt[i]], first[i], last[i])
        email = f"{local}@{accounts.domain[account[i]]}"
        k = seen.get(email, 0)
        seen[email] = k + 1
        work_email.append(email if k == 0 else f"{local}{k + 1}@{accounts.domain[account[i]]}")
    free = rng.integers(0, len(names.FREE_MAIL), n)
    style = rng.integers(0, 3, n)
    personal_email = [  # the person number keeps free-mail addresses unique
        f"{_local_part(('first.last', 'first', 'flast')[st], fi, la)}{ix}@{names.FREE_MAIL[m]}"
        for fi, la, st, ix, m in zip(
            first, last, style.tolist(), index.tolist(), free.tolist(), strict=True
        )
    ]
    signup_personal = (origin == INBOUND) & (rng.random(n) < PERSONAL_EMAIL_RATE)
    return People(
        index=index,
        account=account,
        origin=origin,
        seniority=seniority,
        first=first,
        last=last,
        title=title,
        place=place,
        phone=phone,
        work_email=work_email,
        personal_email=personal_email,
        signup_personal=signup_personal | student,
        student=student,
    )
