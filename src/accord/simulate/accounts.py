"""Companies: the accounts of one block.

Segment (smb 60 %, mid-market 30 %, enterprise 10 %) sets size, the number of people
the company brings, deal size and contract length. Brands are unique (``names.brands``);
0.3 % of companies are competitors, whose people sign up to look around.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.simulate import names, params
from accord.simulate.clock import DAY
from accord.simulate.world import World

__all__ = ["Accounts", "make_accounts"]

COMPETITOR_RATE = 0.003
EMAIL_FORMATS = ("first.last", "flast", "first", "firstl", "first_last")
EMAIL_FORMAT_WEIGHTS = (0.5, 0.2, 0.1, 0.1, 0.1)


@dataclass(frozen=True, slots=True)
class Accounts:
    """Accounts of a block; arrays are aligned, ``index`` is the global account number."""

    index: np.ndarray
    segment: np.ndarray
    employees: np.ndarray
    annual_revenue: np.ndarray
    industry: np.ndarray
    icp: np.ndarray
    place: np.ndarray
    region: np.ndarray
    brand: list[str]
    name: list[str]
    domain: list[str]
    email_format: np.ndarray
    competitor: np.ndarray
    created_at: np.ndarray
    owner: np.ndarray
    """Index into ``params.REPS`` of the account executive."""
    csm: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)


def _reps_by(role: str, region: str) -> np.ndarray:
    return np.array([i for i, r in enumerate(params.REPS) if r.role == role and r.region == region])


def assign(rng: np.random.Generator, role: str, region: np.ndarray) -> np.ndarray:
    """A rep of *role* in each row's region (uniformly among them)."""
    out = np.empty(region.size, dtype=np.int64)
    for reg in ("NA", "EMEA", "APAC"):
        sel = region == reg
        pool = _reps_by(role, reg)
        out[sel] = pool[rng.integers(0, pool.size, int(sel.sum()))]
    return out


def make_accounts(world: World, rng: np.random.Generator, first: int, n: int) -> Accounts:
    """Generate accounts ``first .. first+n-1``."""
    index = np.arange(first, first + n, dtype=np.int64)
    shares = np.array([s.share for s in params.SEGMENTS])
    segment = np.searchsorted(np.cumsum(shares), rng.random(n))
    medians = np.array([s.employees_median for s in params.SEGMENTS])[segment]
    employees = np.maximum(2, np.round(medians * rng.lognormal(0, 0.6, n))).astype(np.int64)
    annual_revenue = np.round(employees * rng.lognormal(np.log(180_000), 0.4, n), -3)
    industry = rng.integers(0, len(names.INDUSTRIES), n)
    icp = np.array([names.INDUSTRIES[i] in names.ICP_INDUSTRIES for i in industry])
    place = rng.choice(len(names.PLACES), n, p=names.PLACE_WEIGHTS)
    region = np.array([names.PLACES[p][6] for p in place])
    brand = names.brands(index)
    descriptor = rng.integers(0, len(names.DESCRIPTORS), n)
    legal = rng.integers(0, len(names.LEGAL), n)
    tld = rng.integers(0, len(names.TLDS), n)
    name = [
        " ".join(x for x in (b, names.DESCRIPTORS[d]) if x)
        + (
            (", " if names.LEGAL[lg] in ("Inc.", "LLC") else " ") + names.LEGAL[lg]
            if names.LEGAL[lg]
            else ""
        )
        for b, d, lg in zip(brand, descriptor.tolist(), legal.tolist(), strict=True)
    ]
    domain = [f"{b.lower()}.{names.TLDS[t]}" for b, t in zip(brand, tld.tolist(), strict=True)]
    email_format = rng.choice(len(EMAIL_FORMATS), n, p=EMAIL_FORMAT_WEIGHTS)
    competitor = rng.random(n) < COMPETITOR_RATE
    before = rng.random(n) < 0.4
    created_at = np.where(
        before,
        world.t0 - rng.integers(30, 1_500, n) * DAY,
        world.t0 + rng.integers(0, world.days, n) * DAY,
    ) + rng.integers(8 * 3_600, 18 * 3_600, n)
    return Accounts(
        index=index,
        segment=segment,
        employees=employees,
        annual_revenue=annual_revenue,
        industry=industry,
        icp=icp,
        place=place,
        region=region,
        brand=brand,
        name=name,
        domain=domain,
        email_format=email_format,
        competitor=competitor,
        created_at=created_at,
        owner=assign(rng, "ae", region),
        csm=assign(rng, "csm", region),
    )
