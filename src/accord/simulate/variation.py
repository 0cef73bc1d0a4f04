"""How the same person or company looks in different systems.

These are the planted obstacles of identity resolution: nicknames and typos in names,
other addresses for the same person (plus-addressing, dots in Gmail local parts, another
company alias format, a private address), phone numbers in other formats, company names
with and without legal suffixes, in capitals, or as the domain. Every function takes the
true values and a generator and returns what one system recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from accord.simulate import names

__all__ = [
    "company_variants",
    "email_variants",
    "name_variants",
    "phone_formats",
    "typo",
    "website_variants",
]

_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def typo(word: str, kind: int, pos: float) -> str:
    """One keyboard slip in *word*: 0 swap, 1 drop, 2 double, 3 replace a letter.

    Examples
    --------
    >>> typo("Johnson", 0, 0.5)
    'Johsnon'
    """
    if len(word) < 4:
        return word
    i = 1 + int(pos * (len(word) - 2))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + _KEYS[int(pos * 1000) % len(_KEYS)] + word[i + 1 :]


def name_variants(
    rng: np.random.Generator,
    first: Sequence[str],
    last: Sequence[str],
    *,
    nickname: float,
    typo_rate: float,
    case: float,
) -> tuple[list[str], list[str]]:
    """Recorded first and last names (nicknames, typos, lower/upper case)."""
    n = len(first)
    u = rng.random((n, 4))
    kind = rng.integers(0, 4, (n, 2))
    pos = rng.random((n, 2))
    out_first, out_last = [], []
    for i in range(n):
        f, la = first[i], last[i]
        if u[i, 0] < nickname and f in names.NICKNAMES:
            f = names.NICKNAMES[f]
        elif u[i, 1] < typo_rate:
            f = typo(f, int(kind[i, 0]), float(pos[i, 0]))
        if u[i, 2] < typo_rate:
            la = typo(la, int(kind[i, 1]), float(pos[i, 1]))
        if u[i, 3] < case:
            f, la = (f.lower(), la.lower()) if u[i, 3] < case / 2 else (f, la.upper())
        out_first.append(f)
        out_last.append(la)
    return out_first, out_last


def email_variants(
    rng: np.random.Generator,
    primary: Sequence[str],
    other: Sequence[str],
    first: Sequence[str],
    last: Sequence[str],
    *,
    same: float,
    plus: float,
    alias: float,
    other_rate: float,
    missing: float,
) -> list[str]:
    """Recorded addresses: the primary one, plus-addressed, another alias format at the
    same domain, the person's other address (work <-> private, Gmail dots), or none."""
    n = len(primary)
    u = rng.random(n)
    tags = ("sfdc", "news", "work", "crm")
    tag = rng.integers(0, len(tags), n)
    cuts = np.cumsum([same, plus, alias, other_rate, missing])
    out: list[str] = []
    for i in range(n):
        local, _, domain = primary[i].partition("@")
        if u[i] < cuts[0]:
            out.append(primary[i])
        elif u[i] < cuts[1]:
            out.append(f"{local}+{tags[tag[i]]}@{domain}")
        elif u[i] < cuts[2]:
            f = first[i].lower().replace("'", "").replace(" ", "")
            la = last[i].lower().replace("'", "").replace(" ", "").replace("ü", "u")
            alt = f"{f[0]}.{la}" if "." not in local else f"{f[0]}{la}"
            out.append(f"{alt}@{domain}")
        elif u[i] < cuts[3]:
            o_local, _, o_domain = other[i].partition("@")
            if o_domain == "gmail.com" and len(o_local) > 3:
                o_local = o_local[:2] + "." + o_local[2:]
            out.append(f"{o_local}@{o_domain}")
        elif u[i] < cuts[4]:
            out.append("")
        else:
            out.append(primary[i].upper() if i % 2 else primary[i].capitalize())
    return out


def phone_formats(
    rng: np.random.Generator, e164: Sequence[str], styles: Sequence[str], missing: float
) -> list[str]:
    """Format ``<country code><number>`` digit strings in one of *styles*:
    ``intl`` (+1 415 555 0134), ``us`` ((415) 555-0134 for +1, else intl), ``dots``
    (415.555.0134), ``e164`` (+14155550134)."""
    n = len(e164)
    pick = rng.integers(0, len(styles), n)
    gone = rng.random(n) < missing
    out: list[str] = []
    for i in range(n):
        if gone[i]:
            out.append("")
            continue
        digits, style = e164[i], styles[pick[i]]
        cc = "1" if digits.startswith("1") else digits[:2]
        rest = digits[len(cc) :]
        if style == "e164":
            out.append(f"+{digits}")
        elif cc == "1" and style == "us":
            out.append(f"({rest[:3]}) {rest[3:6]}-{rest[6:]}")
        elif cc == "1" and style == "dots":
            out.append(f"{rest[:3]}.{rest[3:6]}.{rest[6:]}")
        else:
            out.append(f"+{cc} {rest[:-7]} {rest[-7:-4]} {rest[-4:]}".replace("  ", " "))
    return out


def company_variants(
    rng: np.random.Generator,
    legal: Sequence[str],
    brand: Sequence[str],
    domain: Sequence[str],
    weights: Sequence[float],
) -> list[str]:
    """Company as typed: legal name, without suffix, brand, CAPS, domain, a typo."""
    n = len(legal)
    pick = rng.choice(6, n, p=np.asarray(weights) / np.sum(weights))
    pos = rng.random(n)
    out: list[str] = []
    for i, k in enumerate(pick.tolist()):
        if k == 0:
            out.append(legal[i])
        elif k == 1:
            out.append(_bare(legal[i]))
        elif k == 2:
            out.append(brand[i])
        elif k == 3:
            out.append(legal[i].upper().replace(",", ""))
        elif k == 4:
            out.append(domain[i])
        else:
            out.append(typo(_bare(legal[i]), 3, float(pos[i])))
    return out


@lru_cache(maxsize=8192)
def _bare(legal: str) -> str:
    """The company name without its legal suffix."""
    bare = legal.replace(", Inc.", "").replace(", LLC", "")
    for suffix in (" Inc.", " LLC", " Ltd", " Corp.", " GmbH", " S.A.", " B.V.", " Pty Ltd"):
        bare = bare.removesuffix(suffix)
    return bare


def website_variants(rng: np.random.Generator, domain: Sequence[str], missing: float) -> list[str]:
    """Website as typed: ``acme.io``, ``www.acme.io``, ``https://acme.io/``, ``http://www...``."""
    forms = ("{}", "www.{}", "https://{}/", "http://www.{}", "https://www.{}")
    pick = rng.integers(0, len(forms), len(domain))
    gone = rng.random(len(domain)) < missing
    return ["" if g else forms[p].format(d) for d, p, g in zip(domain, pick, gone, strict=True)]
