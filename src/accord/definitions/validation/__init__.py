"""Validation: one rule per module, each returning every issue it finds; run them all.

Modelled on dbt-labs/metricflow ``metricflow_semantic_interfaces/validations``: rules are
independent functions ``check(catalog, context) -> list[Issue]``; :func:`validate` runs
every rule and returns all issues at once, sorted by file and line. A rule that crashes is
itself reported as an issue (code ``rule-failed``) so one bug never hides the other rules'
findings.

Examples
--------
>>> from accord.definitions.starter import starter_catalog
>>> validate(starter_catalog())
[]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from accord.definitions.catalog import Catalog
from accord.definitions.issues import Issue
from accord.definitions.validation import (
    column_types,
    dimensions,
    duplicate_names,
    filter_values,
    funnel_stages,
    goal_tree,
    grains,
    metric_cycles,
    metric_references,
    non_additive,
    owners,
    sla_references,
    table_columns,
    term_links,
    time_columns,
)
from accord.definitions.validation.context import Context
from accord.definitions.yaml_io import load_folder

__all__ = ["RULES", "Context", "Rule", "validate", "validate_folder"]

Rule = Callable[[Catalog, Context], list[Issue]]

RULES: tuple[Rule, ...] = (
    duplicate_names.check,
    owners.check,
    table_columns.check,
    time_columns.check,
    column_types.check,
    filter_values.check,
    metric_references.check,
    metric_cycles.check,
    grains.check,
    non_additive.check,
    dimensions.check,
    goal_tree.check,
    funnel_stages.check,
    sla_references.check,
    term_links.check,
)
"""Every rule, in the order they run (order does not change the result)."""


def validate(
    catalog: Catalog, *, context: Context | None = None, rules: Sequence[Rule] = RULES
) -> list[Issue]:
    """Run every rule on *catalog*; return all issues, sorted by file, line and code."""
    context = context or Context()
    issues: list[Issue] = []
    for rule in rules:
        try:
            issues.extend(rule(catalog, context))
        except Exception as e:  # a crashing rule must not hide the others' issues
            issues.append(
                Issue(
                    code="rule-failed",
                    message=f"rule {rule.__module__} failed: {type(e).__name__}: {e}",
                    fix="report this as a bug in Accord",
                )
            )
    return sorted(issues, key=Issue.sort_key)


def validate_folder(folder: Path, *, context: Context | None = None) -> tuple[Catalog, list[Issue]]:
    """Load every definition under *folder* and validate them together.

    Returns the catalog of definitions that parsed and every issue: those of files that
    did not parse and those the rules found in the rest.
    """
    loaded = load_folder(folder)
    issues = list(loaded.issues) + validate(loaded.catalog, context=context)
    return loaded.catalog, sorted(issues, key=Issue.sort_key)
