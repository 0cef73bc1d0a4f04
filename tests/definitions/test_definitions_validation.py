"""Validation reports every issue of a folder at once, each with file, line and code.

Each folder under ``broken/`` is a set of definitions with known mistakes and an
``expected.txt`` listing exactly the issues (``file:line:code``) the validator must report:
no more, no fewer. The starter pack must have none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.definitions import Catalog, Issue, starter_catalog, validate, validate_folder
from accord.definitions.catalog import Entry
from accord.definitions.validation import RULES
from accord.definitions.validation.context import Context

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def _expected(case: str) -> list[tuple[str, int, str]]:
    out = []
    for line in (BROKEN / case / "expected.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            file, number, code = line.split(":")
            out.append((file, int(number), code))
    return sorted(out)


@pytest.mark.parametrize("case", CASES)
def test_broken_folder_reports_exactly_the_expected_issues(case: str) -> None:
    _, issues = validate_folder(BROKEN / case)
    got = sorted((i.file or "", i.line or 0, i.code) for i in issues)
    assert got == _expected(case)
    for issue in issues:
        assert issue.message
        assert issue.fix


def test_every_rule_is_exercised_by_the_corpus() -> None:
    codes = {code for case in CASES for _, _, code in _expected(case)}
    assert codes >= {
        "duplicate-name", "missing-owners", "unknown-team", "unknown-table", "unknown-column",
        "not-a-reference", "not-a-time-column", "wrong-column-type", "unknown-value",
        "value-type", "unknown-metric", "circular-reference", "grain-mismatch",
        "non-additive-sum", "unknown-dimension", "unknown-goal", "goal-owner", "unknown-stage",
        "stage-order", "unknown-lifecycle-stage", "duplicate-stage", "unknown-funnel",
        "invalid-spec", "invalid-yaml", "duplicate-key",
    }  # fmt: skip
    assert len(RULES) == 15


def test_starter_pack_is_valid() -> None:
    assert validate(starter_catalog()) == []


def test_issues_point_at_file_and_line() -> None:
    _, issues = validate_folder(BROKEN / "columns")
    unknown = next(i for i in issues if i.code == "unknown-value")
    assert str(unknown) == (
        "mqls.yaml:11: [unknown-value] mqls: stage is never 'mqll' (fix: use one of: "
        "subscriber, lead, mql, sal, sql, opportunity, customer, evangelist, other, rejected, "
        "recycled, disqualified, lost, churned)"
    )


def test_teams_added_by_the_company_are_known() -> None:
    catalog, _ = validate_folder(BROKEN / "owners")
    legal = Context(teams=frozenset({"sales", "legal", "lawyers", "service"}))
    codes = [i.code for i in validate(catalog, context=legal)]
    assert codes == ["missing-owners"]


def test_a_crashing_rule_is_reported_not_raised() -> None:
    def broken_rule(catalog: Catalog, context: Context) -> list[Issue]:
        raise RuntimeError("boom")

    issues = validate(starter_catalog(), rules=[broken_rule])
    assert [(i.code, "boom" in i.message) for i in issues] == [("rule-failed", True)]


def test_definitions_built_in_code_have_no_location() -> None:
    catalog = starter_catalog()
    metric = catalog.metrics()["mqls"]
    twice = Catalog([Entry(metric), Entry(metric)])
    issues = validate(twice)
    assert [(i.code, i.file, i.line) for i in issues] == [("duplicate-name", None, None)]


def test_every_issue_code_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    source = "\n".join(p.read_text() for p in (root / "src/accord/definitions").rglob("*.py"))
    codes = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source))  # issue codes are kebab-case
    docs = (root / "docs/definitions.md").read_text()
    assert len(codes) > 25
    assert [c for c in sorted(codes) if f"`{c}`" not in docs] == []
