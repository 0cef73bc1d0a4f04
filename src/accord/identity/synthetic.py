"""Seeded person files with planted duplicates, for tests and benchmarks.

:func:`person_file` draws *n_people* people and writes each one once or several times,
the copies damaged the way exports damage them: typos (a deleted, doubled, replaced or
transposed letter), nicknames, first name and surname swapped, missing values, alias
emails (plus-addressing, Gmail dots, capitals, a second address), phone numbers in
other formats, dates of birth with a wrong digit or day and month exchanged, company
names with and without legal forms. Some people share a household with another (same
surname, city and landline; a quarter of those an email too): different people that
exact-key rules alone would merge. The ``entity`` column is the truth.

Surnames follow a Zipf-like law (a few very common, a long tail) so that blocking on a
name is as uneven as in real files.

Examples
--------
>>> frame = person_file(50, seed=1)
>>> list(frame.columns)
['id', 'first_name', 'last_name', 'email', 'phone', 'dob', 'city', 'company', 'entity']
>>> bool(frame["entity"].duplicated().any())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from accord.identity.given_names import GIVEN_NAMES

__all__ = ["person_file"]

_SURNAME_CORE = (
    "smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies",
    "robinson", "wright", "thompson", "evans", "walker", "white", "roberts", "green", "hall",
    "wood", "jackson", "clarke", "patel", "khan", "lewis", "james", "phillips", "mason",
    "mitchell", "rose", "davis", "rodriguez", "cox", "alexander", "garcia", "miller",
    "martinez", "anderson", "thomas", "hernandez", "moore", "martin", "lee", "perez",
    "harris", "clark", "ramirez", "young", "allen", "king", "scott", "nguyen", "hill",
    "flores", "adams", "nelson", "baker", "campbell", "carter", "murphy", "cook", "rogers",
    "morgan", "cooper", "peterson", "bailey", "reed", "kelly", "howard", "kim", "ward",
    "richardson", "watson", "brooks", "chavez", "bennett", "gray", "hughes", "price",
    "sanders", "myers", "long", "ross", "foster", "jimenez", "powell", "jenkins", "perry",
    "russell", "sullivan", "bell", "coleman", "butler", "henderson", "barnes", "fisher",
    "schmidt", "muller", "schneider", "weber", "meyer", "wagner", "becker", "schulz",
    "hoffmann", "dubois", "durand", "lefebvre", "moreau", "rossi", "russo", "ferrari",
    "esposito", "bianchi", "romano", "colombo", "jansen", "visser", "smit", "bakker",
    "nielsen", "hansen", "andersson", "johansson", "larsen", "kowalski", "novak", "horvat",
    "silva", "santos", "oliveira", "costa",
)  # fmt: skip
_STEMS = (
    "ash", "black", "brad", "brook", "bur", "carl", "chad", "clay", "crom", "dal", "dun",
    "east", "ell", "fair", "farn", "fen", "ford", "gar", "glen", "gold", "green", "hal",
    "har", "hart", "hay", "hol", "holt", "kings", "lang", "lock", "marsh", "mel", "mid",
    "mill", "nor", "oak", "pem", "pen", "ran", "red", "ridge", "ros", "rush", "sal", "shel",
    "stan", "stock", "stone", "strat", "sut", "thorn", "wal", "war", "west", "whit", "wick",
    "win", "wood", "wor",
)  # fmt: skip
_ENDINGS = (
    "by", "croft", "dale", "don", "field", "ford", "gate", "ham", "hurst", "ley", "ling",
    "low", "man", "more", "ridge", "son", "stead", "ston", "ton", "well", "wick", "worth",
)  # fmt: skip
_NICKNAMES = {
    "robert": "rob", "william": "bill", "elizabeth": "liz", "margaret": "maggie",
    "richard": "rick", "michael": "mike", "james": "jim", "thomas": "tom",
    "christopher": "chris", "jennifer": "jen", "katherine": "kate", "alexander": "alex",
    "daniel": "dan", "matthew": "matt", "joseph": "joe", "samuel": "sam", "nicholas": "nick",
    "benjamin": "ben", "jonathan": "jon", "rebecca": "becky", "patricia": "pat",
    "anthony": "tony", "edward": "ed", "victoria": "vicky", "charlotte": "charlie",
}  # fmt: skip
_CITIES = (
    "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool",
    "Sheffield", "Edinburgh", "Cardiff", "Leicester", "Coventry", "Nottingham", "Newcastle",
    "Brighton", "Oxford", "Cambridge", "York", "Bath", "Norwich", "Exeter", "Plymouth",
    "Derby", "Reading", "Southampton", "Aberdeen", "Dundee", "Belfast", "Swansea", "Hull",
)  # fmt: skip
_COMPANIES = (
    "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "wonka",
    "tyrell", "cyberdyne", "soylent", "gringotts", "monarch", "oscorp", "aperture", "blueth",
    "zorg", "sirius", "dunder",
)  # fmt: skip
_FORMS = ("", " Inc", " Inc.", " LLC", " Ltd", " Limited", " GmbH", ", Inc.", " Corp")
_DOMAINS = ("example.com", "mail.test", "post.test", "inbox.test")
_HOUSEHOLD_SHARE = 0.03  # people living with a partner of the file: same phone


def _surnames(rng: np.random.Generator, size: int) -> np.ndarray:
    compound = [s + e for s in _STEMS for e in _ENDINGS]
    pool = np.array([*_SURNAME_CORE, *compound], dtype=object)
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8  # Zipf-like, exponent 0.8
    return rng.choice(pool, size=size, p=weights / weights.sum())


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + chr(ord("a") + int(rng.integers(26))) + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    given = np.array(sorted(GIVEN_NAMES), dtype=object)
    first = rng.choice(given, size=n)
    last = _surnames(rng, n)
    born = np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, size=n).astype("timedelta64[D]")
    number = rng.integers(200, 999, size=n).astype(str)
    local = [
        f"{f}.{s}" if k == 0 else f"{f[0]}{s}{d[:2]}" if k == 1 else f"{f}{s[:3]}{d}"
        for f, s, k, d in zip(first, last, rng.integers(3, size=n), number, strict=True)
    ]
    domains = rng.choice(np.array(["gmail.com", *_DOMAINS], dtype=object), size=n)
    company = rng.choice(np.array(_COMPANIES, dtype=object), size=n)
    area = rng.integers(201, 989, size=n)
    line = rng.integers(0, 10_000_000, size=n)
    emails = pd.Series([f"{lo}@{d}" for lo, d in zip(local, domains, strict=True)])
    # a mailbox belongs to one person: a taken address gets a number, as providers do
    repeat = emails.groupby(emails).cumcount().to_numpy()
    emails = [
        e if k == 0 else e.replace("@", f"{k}@", 1) for e, k in zip(emails, repeat, strict=True)
    ]
    people = pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "email": emails,
            "phone": [f"{a}{x:07d}" for a, x in zip(area, line, strict=True)],
            "dob": pd.Series(born).dt.strftime("%Y-%m-%d").to_numpy(),
            "city": rng.choice(np.array(_CITIES, dtype=object), size=n),
            "company": company,
        }
    )
    # households: partners share a surname, a city and a landline; some an email too
    partners = rng.permutation(n)[: 2 * int(n * _HOUSEHOLD_SHARE)].reshape(-1, 2)
    head, other = partners[:, 0], partners[:, 1]
    for column in ("last_name", "city", "phone"):
        people.loc[other, column] = people.loc[head, column].to_numpy()
    shared = other[: len(other) // 4]
    people.loc[shared, "email"] = people.loc[head[: len(shared)], "email"].to_numpy()
    return people


def _damage(rng: np.random.Generator, row: dict[str, str | None]) -> dict[str, str | None]:
    """One damaged copy of a person's record (each fault with its own probability)."""
    r = dict(row)
    first, last = str(r["first_name"]), str(r["last_name"])
    if rng.random() < 0.15:
        first = _NICKNAMES.get(first, first)
    if rng.random() < 0.2:
        first = _typo(rng, first)
    if rng.random() < 0.2:
        last = _typo(rng, last)
    if rng.random() < 0.05:
        first, last = last, first
    r["first_name"], r["last_name"] = first.title(), last.title()
    email = str(r["email"])
    local, _, domain = email.partition("@")
    roll = rng.random()
    if roll < 0.1:
        email = f"{local}+{rng.choice(['news', 'crm', 'shop'])}@{domain}"
    elif roll < 0.2 and domain == "gmail.com":
        email = local.replace(".", "") + "@googlemail.com"
    elif roll < 0.3:
        email = email.upper()
    elif roll < 0.4:
        email = f"{first.lower()}.{last.lower()}@{str(r['company']).lower()}.test"
    elif roll < 0.5:
        email = _typo(rng, email)
    r["email"] = email
    digits = str(r["phone"])
    style = int(rng.integers(5))
    r["phone"] = (
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}",
        f"{digits[:3]}.{digits[3:6]}.{digits[6:]}",
        f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]} ext. 12",
        digits,
    )[style]
    dob = str(r["dob"])
    roll = rng.random()
    if roll < 0.05:
        i = int(rng.choice([2, 3, 6, 9]))
        dob = dob[:i] + str(int(rng.integers(10))) + dob[i + 1 :]
    elif roll < 0.08 and int(dob[8:]) <= 12:
        dob = f"{dob[:5]}{dob[8:]}-{dob[5:7]}"
    r["dob"] = dob
    if rng.random() < 0.1:
        r["city"] = _typo(rng, str(r["city"]))
    r["company"] = str(r["company"]).title() + _FORMS[int(rng.integers(len(_FORMS)))]
    if rng.random() < 0.1:
        r["company"] = str(r["company"]).upper()
    for column, p in (("email", 0.1), ("phone", 0.2), ("dob", 0.1), ("city", 0.2)):
        if rng.random() < p:
            r[column] = None
    return r


def person_file(
    n_people: int, *, seed: int = 0, duplicate_share: float = 0.4, max_copies: int = 5
) -> pd.DataFrame:
    """A shuffled file of person records with planted duplicates.

    Parameters
    ----------
    n_people
        Number of distinct people.
    seed
        Random seed; the same seed gives the same file.
    duplicate_share
        Share of people who appear more than once.
    max_copies
        Most records one person has.

    Returns
    -------
    pandas.DataFrame
        ``id`` (``r0``, ``r1``, ... in file order), ``first_name``, ``last_name``,
        ``email``, ``phone``, ``dob``, ``city``, ``company`` as text, and ``entity``
        (the true person, an integer).
    """
    rng = np.random.default_rng(seed)
    people = _people(rng, n_people)
    copies = np.ones(n_people, dtype=np.int64)
    repeated = rng.random(n_people) < duplicate_share
    copies[repeated] = rng.integers(2, max_copies + 1, size=int(repeated.sum()))
    entity = np.repeat(np.arange(n_people), copies)
    base = people.to_dict("records")
    first_copy = np.r_[True, entity[1:] != entity[:-1]]
    rows = [
        _clean(base[e]) if is_first else _damage(rng, base[e])
        for e, is_first in zip(entity, first_copy, strict=True)
    ]
    frame = pd.DataFrame(rows)
    frame["entity"] = entity
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame.insert(0, "id", [f"r{i}" for i in range(len(frame))])
    return frame


def _clean(row: dict[str, str | None]) -> dict[str, str | None]:
    r = dict(row)
    r["first_name"] = str(r["first_name"]).title()
    r["last_name"] = str(r["last_name"]).title()
    r["company"] = str(r["company"]).title()
    return r
