"""Mapping specs, the preset registry and header matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.data.schema import TABLES
from accord.data.sources import MappingSpec, get_preset, list_presets, load_mapping
from accord.data.sources.matching import find, normalise_header
from accord.errors import MappingError, NotFound

OUTSIDE = {
    "hubspot-contacts", "hubspot-deals", "salesforce-leads", "salesforce-opportunities",
    "google-ads-campaigns", "meta-ads", "zendesk-tickets", "stripe-invoices",
    "hubspot-users", "salesforce-users",
}  # fmt: skip


def test_registry_has_every_preset() -> None:
    names = [s.name for s in list_presets()]
    assert set(names) >= OUTSIDE
    assert {f"accord-{t}" for t in TABLES} <= set(names)
    assert names[: len(OUTSIDE)] == sorted(OUTSIDE)  # outside systems first


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(NotFound) as caught:
        get_preset("hubspot-contact")
    assert "hubspot-contacts" in (caught.value.hint or "")


def test_first_candidates_are_the_documented_headers() -> None:
    # The simulator writes these headers; renaming a first candidate breaks it.
    deals = get_preset("hubspot-deals").targets[0]
    assert deals.source_id[0][0] == "Record ID"
    assert deals.columns["created_at"][0] == "Create Date"
    ads = get_preset("google-ads-campaigns").targets[0]
    assert [c[0] for c in ads.source_id] == ["Day", "Campaign ID"]


def test_accord_presets_follow_the_schema() -> None:
    for table in TABLES.values():
        target = get_preset(f"accord-{table.name}").targets[0]
        assert set(target.columns) == set(table.column_names) - {"source_id"}
    assert get_preset("accord-exposures").targets[0].source_id_fallback == (
        ("experiment_id",), ("unit_id",),
    )  # fmt: skip


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_errors_list_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: bad\nsource_system: crm\nread: {timezone: Mars/Base, delimiter: ';;'}\n"
        "targets:\n  - table: contacts\n    source_id: [ID]\n"
        "    columns: {emial: [Email], contact_id: [ID]}\n"
        "    constants: {lifecycle_stage: prospect}\n"
        "  - table: deals\n    source_id: [ID]\n",
    )
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = caught.value.message
    assert str(path) in message
    assert "delimiter must be one character" in message


def test_mapping_rules_report_all_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: bad\nsource_system: crm\nread: {timezone: Mars/Base}\n"
        "targets:\n  - table: contacts\n    source_id: [ID]\n"
        "    columns: {emial: [Email], contact_id: [ID]}\n"
        "    constants: {lifecycle_stage: prospect}\n"
        "  - table: deals\n    source_id: [ID]\n"
        "  - table: spend\n    source_id: [Day]\n    columns: {date: [Day]}\n",
    )
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = caught.value.message
    for fragment in (
        "unknown time zone 'Mars/Base'",
        "'emial' is not a column of contacts",
        "'prospect' is not a valid lifecycle_stage",
        "unknown table 'deals'",
        "required column 'channel' of spend is not mapped",
        "required column 'amount' of spend is not mapped",
    ):
        assert fragment in message, message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("name: x\n", "source_system: Field required"),
    ],
)
def test_mapping_file_errors(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(MappingError, match=r"m\.yaml") as caught:
        load_mapping(_write(tmp_path, text))
    assert fragment in caught.value.message


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="Cannot read the mapping"):
        load_mapping(tmp_path / "nope.yaml")


def test_values_without_from_use_the_mapped_column() -> None:
    spec = MappingSpec.model_validate(
        {
            "name": "x",
            "source_system": "s",
            "targets": [
                {
                    "table": "tickets",
                    "source_id": ["Id"],
                    "columns": {"opened_at": ["Created"], "priority": ["Priority"]},
                    "values": {"priority": {"map": {"-": None, "P1": "urgent"}}},
                }
            ],
        }
    )
    rule = spec.targets[0].values["priority"]
    assert rule.from_ is None
    assert rule.lookup() == {"-": None, "p1": "urgent"}
    assert not rule.has_default


def test_default_null_is_distinguished_from_no_default() -> None:
    won = get_preset("hubspot-deals").targets[0].values["won"]
    closed = get_preset("hubspot-deals").targets[0].values["is_closed"]
    assert won.has_default
    assert won.default is None
    assert closed.has_default
    assert closed.default == "false"


@pytest.mark.parametrize(
    ("candidates", "headers", "index", "constant"),
    [
        (["Record ID"], ["record  id"], 0, None),
        (["Email", "E-mail"], ["E-mail", "Email"], 1, None),  # candidate order wins
        (["Amount spent (*)"], ["Day", "Amount spent (EUR)"], 1, None),
        (["@Amount spent (*)"], ["Amount spent (EUR)"], None, "EUR"),
        (["Cost"], ["Costs"], None, None),
        (["\ufeffDay"], ["Day"], 0, None),
    ],
)
def test_find(
    candidates: list[str], headers: list[str], index: int | None, constant: str | None
) -> None:
    found = find(candidates, headers)
    if index is None and constant is None:
        assert found is None
    else:
        assert found is not None
        assert (found.index, found.constant) == (index, constant)


def test_normalise_header() -> None:
    assert normalise_header("\ufeff  Record\tID ") == "record id"
