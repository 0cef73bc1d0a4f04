"""Probabilistic record linkage with Splink: train a Fellegi-Sunter model, score pairs.

The steps follow Splink's recommended training (Splink documentation, "Training
rationale"; Linacre et al., "Splink: Free software for probabilistic record linkage at
scale", International Journal of Population Data Science 7(3), 2022):

1. the prior, the probability that two random records match, from exact-agreement
   rules and an assumed recall of those rules;
2. u probabilities (how often non-matches agree) from a seeded random sample of pairs;
3. m probabilities (how often matches agree) by expectation maximisation on pairs
   blocked by a few training rules, each rule leaving other comparisons free to learn
   (Dempster, Laird & Rubin, JRSS B 39(1), 1977; Winkler 1988 for its use here);
4. scores for the pairs the blocking plan generates, with term-frequency adjustments.

Everything is seeded and Splink's logging is silenced; nothing is charted or fetched.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import SplinkException

from accord.identity.blocking import BlockingPlan, BlockingRule, count_pairs, plan_blocking
from accord.identity.comparisons import FeatureComparison, comparisons_for
from accord.identity.conflicts import conflict_sql
from accord.identity.prepare import ROW, SOURCE

__all__ = ["LinkType", "ModelOptions", "ScoredPairs", "score_pairs"]

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]

MIN_RECORDS = 10
"""Fewer records than this cannot train a model; only exact keys link them."""


@dataclass(frozen=True)
class ModelOptions:
    """Knobs of the probabilistic model; the defaults suit files from 1 to 10^6 records.

    Attributes
    ----------
    link_type
        ``dedupe_only`` (one input), ``link_only`` (pairs across inputs only) or
        ``link_and_dedupe``.
    seed
        Seed of the random sampling for u (results repeat exactly).
    floor
        Pairs scoring below this probability are not returned.
    cartesian_limit
        Compare every pair when there are at most this many.
    rule_budget
        Most pairs one blocking rule may generate; ``None``: max(1e6, 5 n).
    total_budget
        Most pairs all blocking rules together may generate; ``None``: max(5e6, 25 n).
    u_pairs
        Pairs sampled to estimate u; ``None``: max(1e6, min(2e6, 2 n)).
    em_pairs
        Most pairs one expectation-maximisation session uses.
    prior_recall
        Assumed recall of the exact-agreement rules used for the prior.
    fix_prior_in_em
        Hold the prior fixed while EM learns m (Splink's default lets it move). Fixing
        it keeps EM from taking a large alike group (colleagues sharing company, domain
        and city) for the match class, but drives unobserved levels to underflow on
        small files; off by default.
    """

    link_type: LinkType = "dedupe_only"
    seed: int = 42
    floor: float = 0.5
    cartesian_limit: int = 1_000_000
    rule_budget: int | None = None
    total_budget: int | None = None
    u_pairs: float | None = None
    em_pairs: float = 1e6
    prior_recall: float = 0.6
    fix_prior_in_em: bool = False


@dataclass(frozen=True)
class ScoredPairs:
    """Scored candidate pairs and what produced them.

    Attributes
    ----------
    pairs
        ``left``, ``right`` (record numbers, ``left < right``), ``match_probability``,
        ``conflict`` (see :mod:`accord.identity.conflicts`: never accepted as a match,
        whatever the probability).
    blocking
        The blocking plan used.
    comparisons
        Names of the comparisons in the model.
    model
        The trained Splink model (its settings dictionary, JSON-serialisable).
    status
        ``"trained"``, or why no model scored the pairs (``"skipped: ..."`` for too
        few records or nothing to compare, ``"failed: ..."`` when training could not
        converge on degenerate data); then only the deterministic links apply.
    """

    pairs: pd.DataFrame
    blocking: BlockingPlan
    comparisons: tuple[str, ...]
    model: dict[str, Any]
    status: str


_TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("dob",),
    ("first_name", "surname"),
    ("phone",),
    ("national_id",),
    ("postcode",),
    ("company",),
    ("domain",),
    ("surname", "city"),
)
"""Candidate EM training rules, purest first: agreeing on a name *and* a date of birth,
company or city, a blocked pair is most likely a match, which is what EM needs to tell
the match class from the rest (Splink's guidance: matches should be a sizeable share
of the blocked pairs). Rules are taken in order while they teach a comparison that no
earlier rule taught."""
_MIN_TRAINING_PAIRS = 10
"""A training rule blocking fewer pairs teaches too little (levels go unobserved)."""

_PRIOR_RULES: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("phone",),
    ("national_id",),
    ("first_name", "surname", "dob"),
    ("first_name", "surname", "postcode"),
    ("first_name", "surname", "company"),
)


@contextmanager
def quiet_splink() -> Iterator[None]:
    """Silence Splink's logging and warnings inside the block."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def score_pairs(
    con: duckdb.DuckDBPyConnection,
    table: str,
    present: Sequence[str],
    options: ModelOptions,
) -> ScoredPairs:
    """Train the model on the records in *table* and score their candidate pairs.

    Parameters
    ----------
    con
        A DuckDB connection Splink may create tables in.
    table
        The prepared features (:class:`accord.identity.prepare.Prepared`), with
        ``__source`` telling inputs apart for linkage.
    present
        The features that have values.
    options
        Model options.
    """
    row = con.sql(f"select count(*) from {table}").fetchone()
    n = int(row[0]) if row else 0
    available = frozenset(present)
    comparisons = comparisons_for(available)
    budget = options.rule_budget or max(1_000_000, 5 * n)
    total = options.total_budget or max(5_000_000, 25 * n)
    plan = plan_blocking(
        con,
        table,
        available,
        n_records=n,
        cartesian_limit=options.cartesian_limit,
        rule_budget=budget,
        total_budget=total,
    )
    names = tuple(c.name for c in comparisons)
    empty = pd.DataFrame({"left": [], "right": [], "match_probability": [], "conflict": []})
    if n < MIN_RECORDS:
        return ScoredPairs(empty, plan, names, {}, f"skipped: fewer than {MIN_RECORDS} records")
    if not comparisons or not plan.rules:
        return ScoredPairs(empty, plan, names, {}, "skipped: no features to compare")
    try:
        pairs, model = _fit_and_score(con, table, comparisons, available, plan, options, n)
    except (SplinkException, ValueError, ArithmeticError, duckdb.Error) as exc:
        # degenerate data (all values equal, nothing blocked for training): the exact
        # keys still link; the reason is reported, not raised
        return ScoredPairs(empty, plan, names, {}, f"failed: {type(exc).__name__}: {exc}")
    return ScoredPairs(pairs, plan, names, model, "trained")


def _fit_and_score(
    con: duckdb.DuckDBPyConnection,
    table: str,
    comparisons: list[FeatureComparison],
    available: frozenset[str],
    plan: BlockingPlan,
    options: ModelOptions,
    n: int,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    with quiet_splink():
        linker = _linker(con, table, comparisons, plan, options)
        _train(linker, con, table, comparisons, available, options, n)
        predictions = linker.inference.predict(
            threshold_match_probability=options.floor, warning_mode="never"
        )
        conflict = conflict_sql(available)
        pairs = con.sql(
            f"""
            select least(p.{ROW}_l, p.{ROW}_r) as "left",
                   greatest(p.{ROW}_l, p.{ROW}_r) as "right",
                   p.match_probability,
                   {conflict} as conflict
            from {predictions.physical_name} p
            join {table} l on l.{ROW} = p.{ROW}_l
            join {table} r on r.{ROW} = p.{ROW}_r
            order by 1, 2
            """
        ).df()
        model: dict[str, Any] = linker._settings_obj.as_dict()  # type: ignore[no-untyped-call]
    return pairs, model


def _linker(
    con: duckdb.DuckDBPyConnection,
    table: str,
    comparisons: list[FeatureComparison],
    plan: BlockingPlan,
    options: ModelOptions,
) -> Linker:
    settings = SettingsCreator(
        link_type=options.link_type,
        unique_id_column_name=ROW,
        comparisons=[c.creator for c in comparisons],
        blocking_rules_to_generate_predictions=[CustomRule(rule.sql) for rule in plan.rules],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    if options.link_type == "dedupe_only":
        inputs = [db_api.register(table)]
    else:
        inputs = []
        for (source,) in con.sql(f"select distinct {SOURCE} from {table} order by 1").fetchall():
            part = f"{table}_{int(source)}"
            con.execute(f"create or replace table {part} as from {table} where {SOURCE} = {source}")
            inputs.append(db_api.register(part, dataset_display_name=f"input_{int(source)}"))
    return Linker(inputs, settings, log_level=None)


def _train(
    linker: Linker,
    con: duckdb.DuckDBPyConnection,
    table: str,
    comparisons: list[FeatureComparison],
    present: frozenset[str],
    options: ModelOptions,
    n: int,
) -> None:
    prior_rules: list[str | BlockingRuleCreator] = [
        CustomRule(_equal(r)) for r in _PRIOR_RULES if set(r) <= present
    ]
    if prior_rules:
        # ValueError: the rules find more pairs than the recall allows; keep the default
        with contextlib.suppress(ValueError):
            linker.training.estimate_probability_two_random_records_match(
                prior_rules, recall=options.prior_recall
            )
    u_pairs = options.u_pairs or max(1e6, min(2e6, 2.0 * n))
    linker.training.estimate_u_using_random_sampling(
        max_pairs=u_pairs, seed=options.seed, num_chunks=1, min_count_per_level=None
    )
    untrained = {c.name for c in comparisons}
    for features in _TRAINING_RULES:
        if not untrained:
            break
        if not set(features) <= present:
            continue
        rule = BlockingRule("+".join(features), features, features)
        learns = {c.name for c in comparisons if not (c.features & set(features))}
        if not (learns & untrained) or count_pairs(con, table, rule) < _MIN_TRAINING_PAIRS:
            continue
        saved = copy.deepcopy(linker._settings_obj.core_model_settings)
        prior = linker._settings_obj._probability_two_random_records_match
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                CustomRule(rule.sql),
                estimate_without_term_frequencies=True,
                fix_probability_two_random_records_match=options.fix_prior_in_em,
                max_pairs=options.em_pairs,
            )
        except ValueError:
            # EM drove a probability to underflow on these pairs: this session teaches
            # nothing usable; undo what it touched, the next rule may do better
            linker._settings_obj.core_model_settings = saved
            linker._settings_obj._probability_two_random_records_match = prior
            continue
        untrained -= learns


def _equal(features: tuple[str, ...]) -> str:
    return " and ".join(f"l.{f} = r.{f}" for f in features)
