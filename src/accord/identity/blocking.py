"""Blocking: which record pairs are compared at all, chosen to fit a budget.

Comparing every pair costs n(n-1)/2 comparisons: half a million for a thousand records
(cheap, and then nothing is missed), half a trillion for a million. Above that size the
pairs come from *blocking rules* (Christen, "Data Matching", Springer 2012, ch. 4): two
records are compared when they agree exactly on some key. Accord generates the rules
from the features a file has, in *families* of increasingly tight variants (surname;
surname and year of birth; surname and date of birth) and keeps, per family, the
loosest variant whose pair count fits the per-rule budget. Counting a rule's pairs is
one ``GROUP BY`` (the sum of n(n-1)/2 over its key values), so the plan is computed
before any pair is made.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

__all__ = ["BlockingPlan", "BlockingRule", "candidate_families", "plan_blocking"]


@dataclass(frozen=True)
class BlockingRule:
    """One blocking rule.

    Attributes
    ----------
    name
        Human-readable, e.g. ``"surname + year(dob)"``.
    left, right
        SQL expressions over the record's features that must be equal, paired
        position by position (``left[i]`` of one record equals ``right[i]`` of the
        other). They differ only for "swapped" rules (first name typed as surname).
    """

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def sql(self) -> str:
        """The Splink blocking condition (``l.`` and ``r.`` prefixed)."""
        if self.left == ("1",):
            return "1 = 1"
        return " and ".join(
            f"{_prefix(a, 'l')} = {_prefix(b, 'r')}"
            for a, b in zip(self.left, self.right, strict=True)
        )

    @property
    def features(self) -> frozenset[str]:
        """Features the rule reads."""
        return frozenset(_features_in(self.left + self.right))


@dataclass(frozen=True)
class BlockingPlan:
    """The rules chosen and the pairs each adds (upper bounds, before overlap)."""

    rules: tuple[BlockingRule, ...]
    pair_counts: tuple[int, ...]
    cartesian: bool

    @property
    def total_pairs(self) -> int:
        """Upper bound on the pairs compared."""
        return sum(self.pair_counts)


_YEAR = "left(dob, 4)"
_INITIAL = "left({f}, 1)"


def _rule(*features: str) -> BlockingRule:
    names = [f.replace("left(dob, 4)", "year(dob)") for f in features]
    return BlockingRule(" + ".join(names), tuple(features), tuple(features))


def _swapped(extra: tuple[str, ...] = ()) -> BlockingRule:
    left = ("first_name", "surname", *extra)
    right = ("surname", "first_name", *extra)
    return BlockingRule(" + ".join(("first_name <-> surname", *extra)), left, right)


def _half_swapped(source: str, target: str) -> BlockingRule:
    return BlockingRule(f"{source} -> {target} + dob", (source, "dob"), (target, "dob"))


def candidate_families(present: frozenset[str]) -> list[list[BlockingRule]]:
    """Rule families for the features present, most useful first."""
    families: list[list[BlockingRule]] = []

    def family(*variants: BlockingRule) -> None:
        usable = [v for v in variants if v.features <= present]
        if usable:
            families.append(usable)

    dob_year = (_YEAR,) if "dob" in present else ()
    for key in ("email", "phone", "national_id"):
        family(_rule(key))
    family(
        _rule("first_name", "surname"),
        _rule("first_name", "surname", *dob_year),
        _rule("first_name", "surname", "dob"),
    )
    family(_swapped(), _swapped(("dob",)))
    family(_rule("surname"), _rule("surname", _YEAR), _rule("surname", "dob"))
    family(_rule("first_name"), _rule("first_name", _YEAR), _rule("first_name", "dob"))
    family(
        _rule("dob"),
        _rule("dob", _INITIAL.format(f="surname")),
        _rule("dob", "surname"),
    )
    family(_rule("dob", _INITIAL.format(f="first_name")), _rule("dob", "first_name"))
    family(_half_swapped("first_name", "surname"))
    family(_half_swapped("surname", "first_name"))
    family(_rule("email_user"), _rule("email_user", _YEAR), _rule("email_user", "dob"))
    family(_rule("postcode"), _rule("postcode", "surname"), _rule("postcode", "first_name"))
    family(_rule("address"), _rule("address", "postcode"))
    family(_rule("company"), _rule("company", "surname"), _rule("company", "first_name"))
    family(_rule("domain"), _rule("domain", "surname"), _rule("domain", "first_name"))
    family(_rule("city", "surname"), _rule("city", "surname", _YEAR))
    family(_rule("city", "first_name"), _rule("city", "first_name", _YEAR))
    family(_rule("dob", "city"))
    return families


def count_pairs(con: duckdb.DuckDBPyConnection, table: str, rule: BlockingRule) -> int:
    """Pairs of records in *table* that *rule* compares (within one input)."""
    if rule.left == rule.right:
        keys = ", ".join(rule.left)
        not_null = " and ".join(f"{_features_in((e,))[0]} is not null" for e in rule.left)
        sql = f"""
            select coalesce(sum(n * (n - 1) // 2), 0)
            from (select count(*) as n from {table} where {not_null} group by {keys})
        """
    else:
        left, right = ", ".join(rule.left), ", ".join(rule.right)
        sql = f"""
            with l as (select {left}, count(*) as n from {table} group by all),
                 r as (select {right}, count(*) as n from {table} group by all)
            select coalesce(sum(l.n * r.n) // 2, 0) from l join r on {rule.sql}
        """
    row = con.sql(sql).fetchone()
    return int(row[0]) if row else 0


def plan_blocking(
    con: duckdb.DuckDBPyConnection,
    table: str,
    present: frozenset[str],
    *,
    n_records: int,
    cartesian_limit: int,
    rule_budget: int,
    total_budget: int | None = None,
) -> BlockingPlan:
    """Choose blocking rules for the records in *table*.

    Families are visited most useful first; each contributes its loosest variant
    within *rule_budget*, unless a rule already chosen implies it (its conditions are
    a subset) or the running total would pass *total_budget*.

    Parameters
    ----------
    con, table
        Where the features are.
    present
        Features the records have.
    n_records
        Row count of *table*.
    cartesian_limit
        Compare all pairs when n(n-1)/2 is at most this.
    rule_budget
        Largest pair count one rule may generate.
    total_budget
        Largest pair count all rules together may generate (``None``: no limit).
    """
    all_pairs = n_records * (n_records - 1) // 2
    if all_pairs <= cartesian_limit:
        return BlockingPlan((BlockingRule("all pairs", ("1",), ("1",)),), (all_pairs,), True)
    rules: list[BlockingRule] = []
    counts: list[int] = []
    for variants in candidate_families(present):
        for variant in variants:
            if any(_implies(chosen, variant) for chosen in rules):
                break
            pairs = count_pairs(con, table, variant)
            if pairs <= rule_budget:
                if pairs > 0 and (total_budget is None or sum(counts) + pairs <= total_budget):
                    rules.append(variant)
                    counts.append(pairs)
                break
    return BlockingPlan(tuple(rules), tuple(counts), False)


def _implies(chosen: BlockingRule, other: BlockingRule) -> bool:
    """Every pair *other* blocks is blocked by *chosen* (its conditions are a subset)."""
    mine = set(zip(chosen.left, chosen.right, strict=True))
    theirs = set(zip(other.left, other.right, strict=True))
    return mine <= theirs


def _prefix(expression: str, side: str) -> str:
    """``left(dob, 4)`` -> ``left(l.dob, 4)``; ``surname`` -> ``l.surname``."""
    if "(" not in expression:
        return f"{side}.{expression}"
    head, _, rest = expression.partition("(")
    return f"{head}({side}.{rest}"


def _features_in(expressions: tuple[str, ...]) -> list[str]:
    found = []
    for expression in expressions:
        if expression == "1":
            continue
        inner = expression.partition("(")[2] or expression
        found.append(inner.split(",")[0].strip(") "))
    return found
