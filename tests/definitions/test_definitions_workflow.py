"""The sign-off workflows (workflow.py): propose files or a folder, sign, export.

Checked: every issue of every file is reported at once with file and line, and nothing
changes while there is one; files are validated together with the workspace's other
definitions; an unedited export applies as "unchanged"; signing needs a lead of an owning
team and names who may sign.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from accord.data.state import StateStore
from accord.definitions import Status, starter_catalog
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.workflow import (
    ExportDefinitions,
    ProposeDefinitions,
    SignDefinition,
    install_starter,
)
from accord.errors import Conflict, InputError, NotFound, PermissionDenied

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture
def store() -> Iterator[SqlDefinitionStore]:
    with StateStore.connect("sqlite://") as state:
        state.upgrade()
        for team in ("marketing", "sales", "finance", "service", "product"):
            state.add_team(team, actor="system:test")
            state.add_user(f"{team}-lead", team=team, role="lead", actor="system:test")
        state.add_user("mo", team="marketing", role="member", actor="system:test")
        yield SqlDefinitionStore(state)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MQLS = """\
kind: metric
name: mqls
owners: [marketing, sales]
body:
  measure:
    agg: count_distinct
    table: lifecycle_events
    column: contact_id
    filters: [{column: stage, value: mql}]
  direction: higher
  unit: count
"""


def test_apply_reports_every_issue_of_every_file_and_changes_nothing(
    store: SqlDefinitionStore, tmp_path: Path
) -> None:
    _write(tmp_path, "mqls.yaml", MQLS)
    _write(tmp_path, "bad_yaml.yaml", "kind: term\nname: [unclosed\n")
    _write(tmp_path, "rate.yaml", MQLS.replace("name: mqls", "name: rate").replace(
        "    agg: count_distinct\n    table: lifecycle_events\n    column: contact_id\n"
        "    filters: [{column: stage, value: mql}]\n",
        "    {agg: ratio, numerator: mqls, denominator: sqls}\n"))  # fmt: skip
    _write(tmp_path, "nobody.yaml", "kind: term\nname: lead\nbody: {definition: A person.}\n")
    command = ProposeDefinitions.from_folder(store, tmp_path, actor="mo")
    issues = command.validate()
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("bad_yaml.yaml", 3, "invalid-yaml"),
        ("nobody.yaml", 1, "missing-owners"),
        ("rate.yaml", 6, "unknown-metric"),
    ]
    assert all(i.fix for i in issues)
    with pytest.raises(InputError, match="3 issue") as info:
        command.run()
    assert "rate.yaml:6: [unknown-metric]" in info.value.message
    assert store.names() == []  # mqls.yaml was fine, but nothing was proposed


def test_files_are_validated_with_the_workspace_definitions(
    store: SqlDefinitionStore, tmp_path: Path
) -> None:
    install_starter(store, actor="system:test")
    # a new ratio over two starter metrics is fine on its own ...
    rate = _write(tmp_path, "rate.yaml", MQLS.replace("name: mqls", "name: sql_per_mql").replace(
        "    agg: count_distinct\n    table: lifecycle_events\n    column: contact_id\n"
        "    filters: [{column: stage, value: mql}]\n",
        "    {agg: ratio, numerator: sqls, denominator: mqls}\n"))  # fmt: skip
    [proposed] = ProposeDefinitions.from_files(store, [rate], actor="mo").run()
    assert (proposed.name, proposed.outcome, proposed.version.version) == ("sql_per_mql", "new", 1)
    # ... and turning mqls into a term breaks definitions the file does not touch
    term = _write(tmp_path, "mqls.yaml", "kind: term\nname: mqls\nowners: [marketing]\n"
                  "body: {definition: Marketing-qualified leads.}\n")  # fmt: skip
    issues = ProposeDefinitions.from_files(store, [term], actor="mo").validate()
    assert {(i.file, i.code) for i in issues} >= {
        ("(state store) sql_per_mql v1", "unknown-metric"),
        ("(state store) mql_volume_2025 v1", "unknown-metric"),
    }


def test_an_unknown_or_missing_actor_and_missing_files_are_refused(
    store: SqlDefinitionStore, tmp_path: Path
) -> None:
    path = _write(tmp_path, "mqls.yaml", MQLS)
    with pytest.raises(NotFound, match="No user called 'zed'"):
        ProposeDefinitions.from_files(store, [path], actor="zed").run()
    with pytest.raises(NotFound, match="No file"):
        ProposeDefinitions.from_files(store, [tmp_path / "nope.yaml"], actor="mo")
    with pytest.raises(NotFound, match="No folder"):
        ProposeDefinitions.from_folder(store, tmp_path / "nope", actor="mo")


def test_proposal_outcomes(store: SqlDefinitionStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "mqls.yaml", MQLS)

    def propose(text: str) -> tuple[str, int, Status]:
        path.write_text(text, encoding="utf-8")
        [p] = ProposeDefinitions.from_files(store, [path], actor="mo").run()
        return p.outcome, p.version.version, p.version.status

    assert propose(MQLS) == ("new", 1, Status.PROPOSED)
    assert propose("# reformatted\n" + MQLS.replace("[marketing, sales]", "[sales, marketing]")) \
        == ("unchanged", 1, Status.PROPOSED)  # fmt: skip
    for team in ("marketing", "sales"):
        SignDefinition(store, "mqls", actor=f"{team}-lead").run()
    changed = MQLS.replace("unit: count", "unit: count\n  format: ',.0f'")
    assert propose(changed) == ("changed", 2, Status.PROPOSED)
    assert propose(MQLS) == ("withdrawn", 1, Status.IN_FORCE)  # back to what is in force
    assert store.version("mqls", 2).status is Status.WITHDRAWN


def test_signing_needs_a_lead_of_an_owning_team(store: SqlDefinitionStore, tmp_path: Path) -> None:
    ProposeDefinitions.from_files(store, [_write(tmp_path, "m.yaml", MQLS)], actor="mo").run()
    with pytest.raises(PermissionDenied, match="mo is member in marketing") as member:
        SignDefinition(store, "mqls", actor="mo").validate()
    assert member.value.hint == "Who may sign: marketing: marketing-lead; sales: sales-lead."
    with pytest.raises(PermissionDenied, match="finance, which does not own it"):
        SignDefinition(store, "mqls", actor="finance-lead").run()
    first = SignDefinition(store, "mqls", actor="marketing-lead").run()
    assert (first.team, first.version.status, first.version.pending_teams) == (
        "marketing", Status.PROPOSED, ("sales",))  # fmt: skip
    second = SignDefinition(store, "mqls", actor="sales-lead", version=1).run()
    assert (second.version.status, second.retired) == (Status.IN_FORCE, None)
    with pytest.raises(Conflict, match="no proposal to sign \\(v1 is in force\\)"):
        SignDefinition(store, "mqls", actor="sales-lead").run()
    with pytest.raises(NotFound):
        SignDefinition(store, "sqls", actor="sales-lead").run()


def test_export_then_apply_changes_nothing_and_rewrites_files_in_place(
    store: SqlDefinitionStore, tmp_path: Path
) -> None:
    install_starter(store, actor="system:test")
    folder = tmp_path / "defs"
    _write(folder, "mine/my_mqls.yaml", MQLS)  # the team keeps mqls under its own name
    _write(folder, "README.md", "not a definition")
    written = ExportDefinitions(store, folder).run()
    assert len(written) == len(starter_catalog())
    paths = {e.version.name: e.path.relative_to(folder).as_posix() for e in written}
    assert paths["mqls"] == "mine/my_mqls.yaml"
    assert paths["b2b_funnel"] == "funnel/b2b_funnel.yaml"
    assert paths["win_rate"] == "metrics/win_rate.yaml"
    assert (folder / "README.md").read_text(encoding="utf-8") == "not a definition"
    again = ProposeDefinitions.from_folder(store, folder, actor="mo").run()
    assert {p.outcome for p in again} == {"unchanged"}
    assert len(again) == len(starter_catalog())
    with pytest.raises(InputError, match="is a file"):
        ExportDefinitions(store, folder / "README.md").run()


def test_export_in_force_only(store: SqlDefinitionStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "m.yaml", MQLS)
    ProposeDefinitions.from_files(store, [path], actor="mo").run()
    assert ExportDefinitions(store, tmp_path / "out", in_force_only=True).run() == []
    for team in ("marketing", "sales"):
        SignDefinition(store, "mqls", actor=f"{team}-lead").run()
    [exported] = ExportDefinitions(store, tmp_path / "out", in_force_only=True).run()
    data = yaml.safe_load(exported.path.read_text(encoding="utf-8"))
    assert (data["name"], data["owners"]) == ("mqls", ["marketing", "sales"])


def test_the_broken_corpus_is_reported_in_full_by_apply(store: SqlDefinitionStore) -> None:
    """The validation corpus's expected issues come back from ``apply`` as well."""
    for case in sorted(p for p in BROKEN.iterdir() if p.is_dir()):
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        expected = sorted(line for line in lines if line.strip() and not line.startswith("#"))
        issues = ProposeDefinitions.from_folder(store, case, actor="mo").validate()
        assert sorted(f"{i.file}:{i.line}:{i.code}" for i in issues) == expected, case.name
    assert store.names() == []
