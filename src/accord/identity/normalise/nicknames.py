"""Common English nicknames and the given names they stand for.

Compiled from the usual diminutives (hypocorisms) of the most frequent given names in
UK and US registers; enough to see that *Bill* and *William* may be one person, which
string similarity cannot. Keys and values are normalised (lower case, no accents).
"""

from __future__ import annotations

__all__ = ["NICKNAMES", "given_name_root"]

_GROUPS = {
    "abigail": "abby abbie gail", "alexander": "alex al sandy xander lex",
    "alexandra": "alex sandra sandy lexi", "alfred": "alf alfie fred",
    "andrew": "andy drew", "anthony": "tony ant", "arthur": "art artie",
    "barbara": "barb babs", "benjamin": "ben benny benji", "bernard": "bernie",
    "catherine": "cathy cath kate katie cat", "charles": "charlie chuck chas",
    "charlotte": "lottie charlie", "christina": "tina chris", "christine": "chris",
    "christopher": "chris kit topher", "daniel": "dan danny", "david": "dave davy",
    "deborah": "debbie deb", "donald": "don donnie", "dorothy": "dot dottie",
    "edward": "ed eddie ted ned", "eleanor": "ellie nell nora", "elizabeth":
    "liz lizzie beth betty bess eliza libby", "emily": "em emmy", "frances": "fran",
    "francis": "frank", "frederick": "fred freddie", "gerald": "gerry",
    "gregory": "greg", "harold": "harry hal", "henry": "harry hank hal",
    "isabella": "bella izzy isabel", "jacob": "jake", "james": "jim jimmy jamie",
    "jennifer": "jen jenny", "jessica": "jess jessie", "john": "jack johnny",
    "jonathan": "jon jonny", "joseph": "joe joey", "joshua": "josh",
    "katherine": "kate katie kathy kat", "kathleen": "kathy kath", "kenneth": "ken kenny",
    "lawrence": "larry laurie", "leonard": "leo len lenny", "margaret":
    "maggie meg peggy marge", "matthew": "matt matty", "michael": "mike mick mickey",
    "nathan": "nate", "nathaniel": "nate nat", "nicholas": "nick nicky",
    "nicola": "nicky", "oliver": "ollie", "patricia": "pat patty trish",
    "patrick": "pat paddy", "peter": "pete", "philip": "phil", "raymond": "ray",
    "rebecca": "becky becca", "richard": "rick ricky dick rich", "robert":
    "rob robbie bob bobby bert", "ronald": "ron ronnie", "samantha": "sam sammy",
    "samuel": "sam sammy", "sarah": "sally", "stephen": "steve", "steven": "steve",
    "susan": "sue susie", "theodore": "theo ted teddy", "thomas": "tom tommy",
    "timothy": "tim timmy", "victoria": "vicky tori", "william": "will bill billy liam",
    "zachary": "zach zack",
}  # fmt: skip

NICKNAMES: dict[str, str] = {
    nickname: name for name, nicknames in _GROUPS.items() for nickname in nicknames.split()
}
"""Nickname -> given name (one of them when a nickname serves several)."""


def given_name_root(name: str | None) -> str | None:
    """The given name a (normalised) first name stands for: ``"bill"`` -> ``"william"``.

    Examples
    --------
    >>> given_name_root("bill"), given_name_root("william"), given_name_root("zoe")
    ('william', 'william', 'zoe')
    """
    if name is None:
        return None
    return NICKNAMES.get(name, name)
